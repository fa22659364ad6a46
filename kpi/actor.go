package kpi

// Actor is who acts in a use case: a person signed in, an API token, the
// command line of someone with access to the database, or the system
// itself (the demo loader, a background job). Every use case of package
// app receives one and decides from it what may be seen and done.
type Actor struct {
	// WorkspaceID is the workspace the actor works in; every use case is
	// scoped to it.
	WorkspaceID int64
	// Name is what the audit trail records: "cli:anna", "token:crm-sync".
	Name string
}
