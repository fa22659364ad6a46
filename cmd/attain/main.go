// Command attain is Attain's single binary: the server, the demo, and the
// CLI that applies definitions, imports data and asks for KPI values.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"attain/kpi"
)

// exitCodes maps error codes to process exit codes, as web's codes table
// maps them to HTTP statuses.
var exitCodes = map[string]int{
	kpi.EINTERNAL:     1,
	kpi.EINVALID:      2,
	kpi.ENOTFOUND:     3,
	kpi.ECONFLICT:     4,
	kpi.EUNAUTHORIZED: 5,
	kpi.EFORBIDDEN:    6,
	kpi.EUNAVAILABLE:  7,
	kpi.EBUSY:         8,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(report(os.Stderr, err))
}

// report prints err for a person and returns the exit code it maps to.
func report(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(w, "error:", kpi.ErrorMessage(err))
	for _, p := range kpi.ErrorDetails(err) {
		fmt.Fprintln(w, "  "+p.String())
	}
	code := kpi.ErrorCode(err)
	if code == kpi.EINTERNAL || code == kpi.EUNAVAILABLE {
		fmt.Fprintln(w, "  cause:", err)
	}
	return exitCodes[code]
}
