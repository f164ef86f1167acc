/* Cortex-M4 start-up for QEMU's mps2-an386 (the condnet C library's example; the same as the
 * project's mcu/startup.c): vector table, reset handler
 * (copy .data, zero .bss, call main), fault handlers that report and exit
 * through semihosting, and the semihosting wrappers. */
#include <stdint.h>
#include <string.h>
#include "semihost.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;
#define STACK_PAINT 0xC5C5C5C5u
int main(void);

void semihost_puts(const char *s) { semihost_call(SYS_WRITE0, s); }

int32_t semihost_open(const char *path, int32_t mode) {
  uint32_t block[3] = {(uint32_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
  return semihost_call(SYS_OPEN, block);
}

int32_t semihost_read(int32_t fd, void *buf, uint32_t n) {
  uint32_t block[3] = {(uint32_t)fd, (uint32_t)buf, n};
  return semihost_call(SYS_READ, block);
}

void semihost_exit(int status) {
  uint32_t block[2] = {ADP_Stopped_ApplicationExit, (uint32_t)status};
  semihost_call(SYS_EXIT_EXTENDED, block);
  /* Without SYS_EXIT_EXTENDED: ApplicationExit is status 0, anything else 1. */
  semihost_call(SYS_EXIT, (const void *)(status == 0 ? ADP_Stopped_ApplicationExit : 0x20023));
  for (;;) {}
}

/* Bytes of the stack ever used: the painted words still intact from the bottom up. */
uint32_t mcu_stack_used(void) {
  const uint32_t *p = &_sstack;
  while (p < &_estack && *p == STACK_PAINT) p++;
  return (uint32_t)((const char *)&_estack - (const char *)p);
}

__attribute__((noreturn)) void Reset_Handler(void) {
  /* Paint the stack below this frame (for mcu_stack_used). */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = &_sstack; p < sp - 16; p++) *p = STACK_PAINT;
  memcpy(&_sdata, &_sidata, (size_t)((char *)&_edata - (char *)&_sdata));
  memset(&_sbss, 0, (size_t)((char *)&_ebss - (char *)&_sbss));
#if defined(__ARM_FP)
  /* Enable the FPU (CP10, CP11) in case the compiler emits FP instructions. */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm__ volatile("dsb\n isb");
#endif
  semihost_exit(main());
}

__attribute__((noreturn)) static void Fault_Handler(void) {
  semihost_puts("mcu: FAULT (hard fault or unexpected exception)\n");
  semihost_exit(3);
}

__attribute__((section(".isr_vector"), used)) const void *const vector_table[16] = {
    &_estack, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, 0, 0, 0, 0,
    Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler,
};
