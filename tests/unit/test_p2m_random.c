// SPDX-License-Identifier: GPL-2.0
/* Randomised p2m sequences against a flat reference model (placeholder). */
#include "harness.h"
