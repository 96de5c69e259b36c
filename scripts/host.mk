# Flags of the C built for and run on the build machine: the CLI (tools/),
# the host unit tests (tests/unit/) and the fuzzers (tests/fuzz/). Included
# by their Makefiles, so that the language, the warnings, the sanitizers
# and the stand-in headers of a host build of hypervisor code are set in
# one place. (tests/spin compiles the verifier spin generates, pan.c, with
# spin's own flags: none of these apply.)

# The source tree, from where this file is.
XL_SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

HOST_STD := -std=gnu11
# Warnings every host build gets, as errors.
HOST_WARN := -Wall -Wextra -Werror
# Hypervisor code and its tests on the host: callbacks with parameters they
# do not use, and unsigned/signed comparisons in test tables.
HOST_TEST_WARN := -Wno-unused-parameter -Wno-sign-compare
# ASan + UBSan; any UBSan report ends the program.
HOST_SAN_LIST := address,undefined
HOST_SAN_OPTS := -fno-sanitize-recover=undefined -fno-omit-frame-pointer
HOST_SAN := -fsanitize=$(HOST_SAN_LIST) $(HOST_SAN_OPTS)
HOST_SAN_LDFLAGS := -fsanitize=$(HOST_SAN_LIST)
# Hypervisor sources compiled for the host (include/xen-lite/*.h switch to
# host stand-ins under XL_HOST_TEST) and the stand-in headers they find
# first: tests/unit/host (asm/*.h, autoconf.h), then the real include/.
HOST_TEST_DEFS := -DXL_HOST_TEST
HOST_TEST_INC := -I$(XL_SRC)/tests/unit/host -I$(XL_SRC)/include \
	-I$(XL_SRC)/tests/unit
# The host build's Kconfig values (tests/unit/host/autoconf.h).
HOST_AUTOCONF := -include $(XL_SRC)/tests/unit/host/autoconf.h
