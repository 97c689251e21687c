#ifndef NETCHECK_CNETLINK_H
#define NETCHECK_CNETLINK_H
/* glibc's headers first: the <linux/...> ones below would otherwise clash with Glibc's module. */
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <spawn.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/icmp.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>

/* Not visible from Glibc in Swift (glibc defines them only under _GNU_SOURCE); values from <linux/sched.h>. */
static const int nc_CLONE_NEWNS = 0x00020000;
static const int nc_CLONE_NEWNET = 0x40000000;
static const int nc_CLONE_NEWPID = 0x20000000;

/* setns(2), unshare(2) and mount(2) declared here so callers need no _GNU_SOURCE. */
int nc_setns(int fd, int nstype);
int nc_unshare(int flags);
int nc_mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data);
/* What a file under /run/netns really is: fstatfs(2)'s f_type (NSFS_MAGIC 0x6e736673 for a namespace file), and
   ioctl(NS_GET_NSTYPE) (CLONE_NEWNET for a network namespace). -1 with errno set when it cannot be told. */
static const long nc_NSFS_MAGIC = 0x6e736673;
long nc_fs_type(int fd);
int nc_ns_type(int fd);
/* posix_spawn_file_actions_addchdir_np (glibc 2.29), likewise hidden behind _GNU_SOURCE. */
int nc_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/* pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so that no program another thread starts meanwhile
   inherits them (_GNU_SOURCE again). */
int nc_pipe_cloexec(int fds[2]);
/* pidfd_open(2) (Linux 5.3): a descriptor that poll(2) reports readable once the process has exited; -1 with errno
   (ENOSYS on older kernels). */
int nc_pidfd_open(int pid);
/* Packet sockets for captures (Sources/Capture), without libpcap's ring: opened with protocol 0, so that no
   receive hook is registered until bind (creating with ETH_P_ALL and then binding re-registers it, and waits for an
   RCU grace period); the filter is attached before bind, so no frame arrives unfiltered. All -1 with errno. */
int nc_packet_open(void);
/* SO_ATTACH_FILTER with `count` classic BPF instructions (struct sock_filter, as libpcap's struct bpf_insn). */
int nc_packet_attach_filter(int fd, const void *instructions, unsigned int count);
/* bind(2) to the interface, receiving every protocol (ETH_P_ALL); SO_TIMESTAMP on, SO_RCVBUF as asked. */
int nc_packet_bind(int fd, int ifindex, int receive_buffer);
/* One frame: copies at most `capacity` bytes and returns how many; `wire` gets its length on the wire, `outgoing`
   whether the interface sent it (PACKET_OUTGOING), `usec` when the kernel saw it (CLOCK_REALTIME µs). */
long nc_packet_receive(int fd, void *buffer, unsigned long capacity, unsigned long *wire, int *outgoing, long long *usec);
/* Frames the kernel dropped since the last call (PACKET_STATISTICS, which resets them). */
int nc_packet_drops(int fd, unsigned int *drops);
/* SIOCGIFFLAGS of the interface, through `fd`. */
int nc_interface_flags(int fd, const char *name, int *flags);
/* Closes `fds` in a child of its own and returns at once (the parent only drops its references): each packet socket's
   last close waits for an RCU grace period (8-16 ms), which the child pays after netcheck has answered. The child
   exits as soon as the sockets are closed. Returns the child's pid, or -1 with errno (then nothing is closed). */
int nc_close_in_child(const int *fds, int count);
#endif
