# The domain consoles (common/domain_console.c: output budget, line
# buffer, input ring and focus) on the real common/console.c, with a fake
# UART and counter, and a small budget so the tests stay short.
UNIT_TESTS += console
console-srcs := test_console.c $(SRC)/common/domain_console.c \
	$(SRC)/common/console.c
console-cflags := $(HOST_AUTOCONF) \
	-DCONFIG_EARLY_UART_BASE=1 -DCONFIG_CONSOLE_DOMAIN_RATE=1000 \
	-DCONFIG_CONSOLE_DOMAIN_BURST=2000
