/* ARM semihosting (bkpt 0xab on M-profile) as QEMU implements it
 * (-semihosting-config enable=on,target=native). */
#ifndef MCU_SEMIHOST_H
#define MCU_SEMIHOST_H
#include <stdint.h>

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_WRITE 0x05
#define SYS_READ 0x06
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026

static inline int32_t semihost_call(int32_t op, const void *arg) {
  register int32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void semihost_puts(const char *s);                          /* SYS_WRITE0 */
int32_t semihost_open(const char *path, int32_t mode);     /* mode 1 = "rb" */
int32_t semihost_read(int32_t fd, void *buf, uint32_t n);  /* bytes NOT read */
__attribute__((noreturn)) void semihost_exit(int status);  /* SYS_EXIT_EXTENDED */
#endif
