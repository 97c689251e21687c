#define _GNU_SOURCE
#include <sched.h>
#include <sys/mount.h>
#include <spawn.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include "CNetlink.h"

int nc_setns(int fd, int nstype) { return setns(fd, nstype); }
int nc_unshare(int flags) { return unshare(flags); }
int nc_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data) {
    return mount(source, target, fstype, flags, data);
}
int nc_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

long nc_fs_type(int fd) {
    struct statfs st;
    return fstatfs(fd, &st) == 0 ? (long)st.f_type : -1;
}
int nc_ns_type(int fd) { return ioctl(fd, NS_GET_NSTYPE); }

int nc_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int nc_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
