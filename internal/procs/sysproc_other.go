//go:build !linux

package procs

import "syscall"

// sysProcAttr puts the child in its own process group, so a kill reaches
// whatever it started.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
