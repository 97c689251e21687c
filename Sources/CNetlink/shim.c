#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
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

#include <linux/if_ether.h>
#include <linux/filter.h>
#include <sys/time.h>
#include <arpa/inet.h>

int nc_packet_open(void) { return socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

int nc_packet_attach_filter(int fd, const void *instructions, unsigned int count) {
    struct sock_fprog program = { .len = (unsigned short)count, .filter = (struct sock_filter *)instructions };
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
}

int nc_packet_bind(int fd, int ifindex, int receive_buffer) {
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on) < 0) return -1;
    if (receive_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) < 0) return -1;
    struct sockaddr_ll address;
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    return bind(fd, (struct sockaddr *)&address, sizeof address);
}

long nc_packet_receive(int fd, void *buffer, unsigned long capacity, unsigned long *wire, int *outgoing, long long *usec) {
    struct sockaddr_ll from;
    char control[CMSG_SPACE(sizeof(struct timeval))];
    struct iovec part = { .iov_base = buffer, .iov_len = capacity };
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd, &message, MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0) return -1;
    *wire = (unsigned long)n;
    *outgoing = from.sll_pkttype == PACKET_OUTGOING;
    *usec = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP) {
            struct timeval tv;
            memcpy(&tv, CMSG_DATA(c), sizeof tv);
            *usec = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
        }
    }
    if (*usec == 0) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        *usec = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
    }
    return (unsigned long)n > capacity ? (long)capacity : (long)n;
}

int nc_packet_drops(int fd, unsigned int *drops) {
    struct tpacket_stats stats;
    socklen_t length = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) < 0) return -1;
    *drops = stats.tp_drops;
    return 0;
}

int nc_interface_flags(int fd, const char *name, int *flags) {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &request) < 0) return -1;
    *flags = request.ifr_flags;
    return 0;
}

int nc_close_in_child(const int *fds, int count) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        /* Only async-signal-safe calls here: the parent has other threads. */
        for (int i = 0; i < count; i++) close(fds[i]);
        _exit(0);
    }
    for (int i = 0; i < count; i++) close(fds[i]);
    return pid;
}
