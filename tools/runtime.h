/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime control (docs/runtime.md): start a machine in the background
 * under a per-machine supervisor, and the commands that talk to it.
 */
#ifndef XL_TOOLS_RUNTIME_H
#define XL_TOOLS_RUNTIME_H

#include <stdbool.h>

#include "bundle.h"
#include "domcfg.h"

/* From main.c: option parsing and domain files, as for run. */
int parse_opts(const char *cmd, const char *help, unsigned int allowed,
	       int argc, char **argv, struct xl_opts *o);
struct domcfg *load_domains(const struct xl_opts *o, int nr, char **files);
void free_domains(struct domcfg *doms, int nr);
void usage_error(const char *cmd, const char *fmt, const char *arg)
	__attribute__((noreturn));
extern const unsigned int cmd_start_opts;

/* The repository root (set by main() before runtime_main()). */
extern const char *runtime_root;

/** machine_name_ok() - 1-31 characters of [A-Za-z0-9_-]. */
bool machine_name_ok(const char *s);

/** runtime_command() - is @cmd one of the runtime commands? */
bool runtime_command(const char *cmd);

/**
 * runtime_main() - run runtime command @cmd (argv[0] is @cmd).
 * Return: the exit status: 0 ok, 1 refused or failed (the message says
 * why), 2 bad usage or invalid domain files.
 */
int runtime_main(const char *cmd, int argc, char **argv);

#endif
