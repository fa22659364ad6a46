package main

import (
	"github.com/spf13/cobra"

	"attain/app"
	"attain/engine"
	"attain/web"
)

// limitFlags registers the flags of the guards that keep one request or
// one client from sinking the server (web.Limits, engine.Engine.MaxCells).
func (m *Main) limitFlags(cmd *cobra.Command) {
	fs, l := cmd.Flags(), &m.Config.Limits
	fs.Int64Var(&l.MaxBodyBytes, "max-body-bytes", web.DefaultMaxBodyBytes, "largest request body the API takes, but a record import's")
	fs.Int64Var(&l.MaxImportBytes, "max-import-bytes", web.DefaultMaxImportBytes, "largest body of a record import")
	fs.IntVar(&l.MaxFieldBytes, "max-field-bytes", app.DefaultMaxFieldBytes, "longest cell of an imported record")
	fs.IntVar(&l.MaxInFlight, "max-in-flight", web.DefaultMaxInFlight, "requests one API token may have in flight; more get 429")
	fs.Int64Var(&m.Config.MaxCells, "max-cells", engine.DefaultMaxCells, "values one query may compute (KPIs × subjects × periods)")
}
