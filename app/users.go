package app

import (
	"context"
	"net/mail"
	"strings"

	"attain/kpi"
)

// UserRequest is a new user: an e-mail, a role, the employee they are (if
// any) and a first password (none: they sign in by single sign-on or a
// reset link).
type UserRequest struct {
	Email      string   `json:"email"`
	Name       string   `json:"name,omitempty"`
	EmployeeID string   `json:"employee_id,omitempty"`
	Role       kpi.Role `json:"role,omitempty"` // default member
	Password   string   `json:"password,omitempty"`
}

// CreateUser adds a user to the workspace (admins; the command line makes
// the first one). A user linked to an employee is named after them unless
// named.
func (a *App) CreateUser(ctx context.Context, who kpi.Actor, req UserRequest) (*kpi.User, error) {
	ctx, err := a.begin(ctx, who, WriteUsers, on{})
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(req.Email)
	if err != nil || addr.Address != strings.TrimSpace(req.Email) {
		return nil, kpi.Errorf(kpi.EINVALID, "%q is not an e-mail address.", req.Email)
	}
	if req.Role == "" {
		req.Role = kpi.RoleMember
	}
	if !kpi.ValidRole(req.Role) {
		return nil, invalidRole(req.Role)
	}
	u := &kpi.User{Email: addr.Address, Name: req.Name, EmployeeID: req.EmployeeID, Role: req.Role}
	if req.EmployeeID != "" {
		e, err := a.svc.Org.FindEmployeeByID(ctx, req.EmployeeID)
		if err != nil {
			return nil, err
		}
		if u.Name == "" {
			u.Name = e.Name
		}
	}
	var hash string
	if req.Password != "" {
		if err := checkPassword(req.Password); err != nil {
			return nil, err
		}
		if hash, err = hashPassword(req.Password); err != nil {
			return nil, err
		}
	}
	if err := a.svc.Users.CreateUser(ctx, u, hash); err != nil {
		return nil, err
	}
	return u, nil
}

func invalidRole(r kpi.Role) error {
	names := make([]string, len(kpi.Roles))
	for i, r := range kpi.Roles {
		names[i] = string(r)
	}
	return kpi.Errorf(kpi.EINVALID, "Unknown role %q: want %s.", r, strings.Join(names, ", "))
}

// Users lists the workspace's users (admins).
func (a *App) Users(ctx context.Context, who kpi.Actor) ([]*kpi.User, error) {
	ctx, err := a.begin(ctx, who, WriteUsers, on{})
	if err != nil {
		return nil, err
	}
	users, err := a.svc.Users.FindUsers(ctx)
	return nonNil(users), err
}

// User returns one user by e-mail (admins).
func (a *App) User(ctx context.Context, who kpi.Actor, email string) (*kpi.User, error) {
	_, u, err := a.beginOnUser(ctx, who, email)
	return u, err
}

// beginOnUser begins a use case of admins on the user with this e-mail.
func (a *App) beginOnUser(ctx context.Context, who kpi.Actor, email string) (context.Context, *kpi.User, error) {
	ctx, err := a.begin(ctx, who, WriteUsers, on{})
	if err != nil {
		return nil, nil, err
	}
	u, err := a.svc.Users.FindUserByEmail(ctx, email)
	if err != nil {
		return nil, nil, err
	}
	return ctx, u, nil
}

// UpdateUser changes a user's name, employee, role or whether they are
// disabled (admins). A disabled user is signed out everywhere. The last
// admin who can sign in stays one.
func (a *App) UpdateUser(ctx context.Context, who kpi.Actor, email string, upd kpi.UserUpdate) (*kpi.User, error) {
	ctx, u, err := a.beginOnUser(ctx, who, email)
	if err != nil {
		return nil, err
	}
	if upd.Role != nil && !kpi.ValidRole(*upd.Role) {
		return nil, invalidRole(*upd.Role)
	}
	if upd.EmployeeID != nil && *upd.EmployeeID != "" {
		if _, err := a.svc.Org.FindEmployeeByID(ctx, *upd.EmployeeID); err != nil {
			return nil, err
		}
	}
	demoted := upd.Role != nil && *upd.Role != kpi.RoleAdmin
	disabled := upd.Disabled != nil && *upd.Disabled
	if u.Role == kpi.RoleAdmin && !u.Disabled && (demoted || disabled) {
		if err := a.keepAnAdmin(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return a.svc.Users.UpdateUser(ctx, u.ID, upd)
}

// keepAnAdmin refuses to take the last enabled admin but id away.
func (a *App) keepAnAdmin(ctx context.Context, id int64) error {
	users, err := a.svc.Users.FindUsers(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != id && o.Role == kpi.RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return kpi.Errorf(kpi.ECONFLICT, "This is the last admin who can sign in; make another admin first.")
}

// SetUserPassword sets a user's password (admins, and the command line
// for the first admin); the user is signed out everywhere.
func (a *App) SetUserPassword(ctx context.Context, who kpi.Actor, email, password string) error {
	ctx, u, err := a.beginOnUser(ctx, who, email)
	if err != nil {
		return err
	}
	return a.setPassword(ctx, u.ID, password)
}
