/* Configuration the host unit tests compile common code with. */
#ifndef XL_HOST_AUTOCONF_H
#define XL_HOST_AUTOCONF_H
#define CONFIG_NR_CPUS 8
#define CONFIG_MAX_VCPUS 8
#define CONFIG_MAX_DOMAINS 64
#define CONFIG_LOGLEVEL 3
#define CONFIG_ARCH "host"
#endif
