// Command attain is Attain's single binary: the server, the demo, and the
// CLI that applies definitions, imports data and asks for KPI values.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"attain/kpi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", kpi.ErrorMessage(err))
		for _, p := range kpi.ErrorDetails(err) {
			fmt.Fprintln(os.Stderr, "  "+p.String())
		}
		if kpi.ErrorCode(err) == kpi.EINTERNAL {
			fmt.Fprintln(os.Stderr, "  cause:", err)
		}
		os.Exit(1)
	}
}
