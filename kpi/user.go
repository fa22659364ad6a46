package kpi

import (
	"context"
	"time"
)

// Role is what a user may do in a workspace beyond their own data. Being a
// manager is not a role: it follows from the org tree (the people who report
// to someone, the units they head), as of the period asked about.
type Role string

const (
	// RoleMember is everyone: their own numbers and statements, and, as a
	// manager, those of the people and units below them.
	RoleMember Role = "member"
	// RoleFinance and RoleAuditor read everything, export payouts and read
	// the audit trail; they change nothing.
	RoleFinance Role = "finance"
	RoleAuditor Role = "auditor"
	// RoleAdmin does everything in the workspace.
	RoleAdmin Role = "admin"
)

// Roles lists the roles, least to most.
var Roles = []Role{RoleMember, RoleFinance, RoleAuditor, RoleAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is a person who signs in to a workspace: linked to an employee (an
// admin or an auditor may be no employee), with a role. Passwords are
// stored as argon2id hashes only, never here.
type User struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	EmployeeID  string     `json:"employee_id,omitempty"`
	Role        Role       `json:"role"`
	Disabled    bool       `json:"disabled,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastSignIn  *time.Time `json:"last_sign_in,omitempty"`
}

// UserUpdate changes the fields that are set.
type UserUpdate struct {
	Name       *string `json:"name"`
	EmployeeID *string `json:"employee_id"`
	Role       *Role   `json:"role"`
	Disabled   *bool   `json:"disabled"`
}

// Actor is who acts in a use case: a person signed in, an API token, the
// command line of someone with access to the database, or the system
// itself (the demo loader, a background job). Every use case of package
// app receives one and decides from it what may be seen and done.
type Actor struct {
	// WorkspaceID is the workspace the actor works in; every use case is
	// scoped to it.
	WorkspaceID int64
	// Name is what the audit trail records: "user:anna@example.com",
	// "token:crm-sync", "cli:anna".
	Name string
	// UserID is the signed-in user or the token's owner (0: none).
	UserID int64
	// EmployeeID is the employee the actor is, "" when none: whose own
	// numbers they see, and below whom in the org tree they manage.
	EmployeeID string
	// Role is what the actor may do beyond their own data.
	Role Role
	// Scopes limit an API token to some actions ("values:read",
	// "records:write:deals"); nil: all its role allows.
	Scopes []string
	// System is whoever holds the database (the command line without a
	// server) or the system itself: everything in the workspace.
	System bool
	// Addr is where the request came from, for the audit trail.
	Addr string
}

// UserService keeps the users of the context's workspace and their
// credentials; every change is audited.
type UserService interface {
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUsers(ctx context.Context) ([]*User, error)
	// CreateUser stores u (its ID and CreatedAt are set) with a password
	// hash, "" for a user who signs in only through single sign-on.
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	SetPasswordHash(ctx context.Context, id int64, hash string) error
	// PasswordHash returns the user's password hash ("" if none).
	PasswordHash(ctx context.Context, id int64) (string, error)
}

// PersonalDataService erases what identifies a person who has left (see
// app.Pseudonymise): their numbers stay, their name, e-mail and pay go.
type PersonalDataService interface {
	Pseudonymise(ctx context.Context, employeeID, alias string) error
}
