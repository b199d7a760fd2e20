package procs

import "syscall"

// sysProcAttr puts the child in its own process group (so a kill reaches
// whatever it started) and has the kernel kill it if the test binary dies
// without running its cleanups (a test timeout, a crash).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
