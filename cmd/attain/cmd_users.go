package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
)

func (m *Main) userCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Users: who signs in, linked to an employee, with a role"}
	var req app.UserRequest
	var admin, passwordStdin bool
	create := &cobra.Command{
		Use:   "create EMAIL [--admin | --role ROLE] [--employee ID] [--name NAME] [--password-stdin]",
		Short: "Create a user; without --password-stdin, print a one-time link to set a password",
		Long: `Create a user of the workspace. The first admin is made this way:

  attain user create admin@example.com --admin

A user linked to an employee (--employee) sees their own numbers and, as a
manager, those of the people below them in the org tree. Roles: member
(default), finance and auditor (read everything, change nothing), admin.
Without --password-stdin the user gets no password: a one-time link to set
one is printed, or they sign in by single sign-on.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			req.Email = args[0]
			if admin {
				if req.Role != "" && req.Role != kpi.RoleAdmin {
					return kpi.Errorf(kpi.EINVALID, "Give --admin or --role, not both.")
				}
				req.Role = kpi.RoleAdmin
			}
			if passwordStdin {
				if req.Password, err = m.readSecret(); err != nil {
					return err
				}
			}
			u, err := m.App.CreateUser(cmd.Context(), who, req)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Created user %s (%s", u.Email, u.Role)
			if u.EmployeeID != "" {
				fmt.Fprintf(m.Stdout, ", employee %s", u.EmployeeID)
			}
			fmt.Fprintln(m.Stdout, ").")
			if req.Password == "" {
				return m.printResetLink(cmd.Context(), who, u.Email)
			}
			return nil
		},
	}
	create.Flags().BoolVar(&admin, "admin", false, "make the user an admin")
	create.Flags().StringVar((*string)(&req.Role), "role", "", "member (default), finance, auditor or admin")
	create.Flags().StringVar(&req.EmployeeID, "employee", "", "the employee the user is")
	create.Flags().StringVar(&req.Name, "name", "", "display name (default: the employee's)")
	create.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the first password from standard input")

	list := m.listCommand(&cobra.Command{
		Use:   "list",
		Short: "List the workspace's users",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		users, err := m.App.Users(ctx, who)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"email", "name", "role", "employee", "disabled", "last_sign_in"}, json: users}
		for _, u := range users {
			last := ""
			if u.LastSignIn != nil {
				last = u.LastSignIn.Format(time.RFC3339)
			}
			t.rows = append(t.rows, []string{u.Email, u.Name, string(u.Role), u.EmployeeID, strconv.FormatBool(u.Disabled), last})
		}
		return t, nil
	})

	update := func(use, short string, nargs int, upd func(args []string) kpi.UserUpdate, done string) *cobra.Command {
		return &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(nargs),
			RunE: func(cmd *cobra.Command, args []string) error {
				who, _, err := m.actor(cmd.Context())
				if err != nil {
					return err
				}
				u, err := m.App.UpdateUser(cmd.Context(), who, args[0], upd(args))
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, done+"\n", u.Email, u.Role)
				return nil
			},
		}
	}
	setRole := update("set-role EMAIL ROLE", "Set a user's role: member, finance, auditor or admin", 2,
		func(args []string) kpi.UserUpdate { r := kpi.Role(args[1]); return kpi.UserUpdate{Role: &r} }, "User %s is now %s.")
	yes, no := true, false
	disable := update("disable EMAIL", "Disable a user: they cannot sign in, their sessions end, their tokens stop working", 1,
		func([]string) kpi.UserUpdate { return kpi.UserUpdate{Disabled: &yes} }, "User %s (%s) is disabled and signed out everywhere.")
	enable := update("enable EMAIL", "Enable a disabled user again", 1,
		func([]string) kpi.UserUpdate { return kpi.UserUpdate{Disabled: &no} }, "User %s (%s) is enabled.")
	var employee string
	link := &cobra.Command{
		Use:   "link EMAIL --employee ID",
		Short: "Link a user to the employee they are (--employee \"\" unlinks)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			u, err := m.App.UpdateUser(cmd.Context(), who, args[0], kpi.UserUpdate{EmployeeID: &employee})
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "User %s is employee %q.\n", u.Email, u.EmployeeID)
			return nil
		},
	}
	link.Flags().StringVar(&employee, "employee", "", "employee id")

	var setStdin bool
	reset := &cobra.Command{
		Use:   "reset-password EMAIL [--password-stdin]",
		Short: "Print a one-time link for the user to set a new password, or set it from standard input",
		Long: `Print a one-time link (shown once, valid for 72 hours) for the user to set a
new password; hand it over yourself. The current password works until the
link is used. With --password-stdin, set the password read from standard
input at once instead. Either way, once the password changes the user is
signed out everywhere. Links start with ATTAIN_BASE_URL (or
http://127.0.0.1:8080).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if !setStdin {
				return m.printResetLink(cmd.Context(), who, args[0])
			}
			pw, err := m.readSecret()
			if err != nil {
				return err
			}
			if err := m.App.SetUserPassword(cmd.Context(), who, args[0], pw); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Password of %s set; they are signed out everywhere.\n", args[0])
			return nil
		},
	}
	reset.Flags().BoolVar(&setStdin, "password-stdin", false, "set the password read from standard input")
	cmd.AddCommand(create, list, setRole, disable, enable, link, reset)
	return cmd
}

// printResetLink makes a reset link and prints it, once.
func (m *Main) printResetLink(ctx context.Context, who kpi.Actor, email string) error {
	l, err := m.App.ResetPassword(ctx, who, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "One-time link for %s to set a password, valid until %s (only a hash is stored; hand it over now):\n",
		email, l.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintln(m.Stdout, l.URL)
	return nil
}

// readSecret reads one line from standard input.
func (m *Main) readSecret() (string, error) {
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", kpi.Errorf(kpi.EINVALID, "No password on standard input.")
	}
	if err != nil && line == "" {
		return "", err
	}
	return line, nil
}

func (m *Main) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "API tokens"}
	var req app.TokenRequest
	create := &cobra.Command{
		Use:   "create NAME [--scope SCOPE]... [--expires WHEN]",
		Short: "Create an integration's API token for the workspace; the secret is shown once",
		Long: `Create an API token of an integration (no user): it acts as an admin,
limited to its scopes if given. A scope is an action (values:read,
records:write, statements:read, ...) or an action on one dataset
(records:write:deals). --expires takes a day (2027-01-31), a span (90d,
12h) or never (the default for integrations). Only a hash is stored.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, ws, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			req.Name, req.Integration = args[0], true
			tok, err := m.App.CreateToken(cmd.Context(), who, req)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "Token %q (id %d) for workspace %s (only a hash is stored; keep the secret now):\n", tok.Name, tok.ID, ws.Slug)
			fmt.Fprintln(m.Stdout, tok.Secret)
			return nil
		},
	}
	create.Flags().StringArrayVar(&req.Scopes, "scope", nil, "limit the token to this action (repeat for more)")
	create.Flags().StringVar(&req.Expires, "expires", "", "2027-01-31, 90d, 12h or never (default never)")
	list := m.listCommand(&cobra.Command{
		Use:   "list",
		Short: "List the workspace's API tokens (never their secrets)",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		toks, err := m.App.Tokens(ctx, who, true)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"id", "name", "user_id", "scopes", "expires", "revoked", "last_used", "created_by"}, json: toks}
		at := func(p *time.Time) string {
			if p == nil {
				return ""
			}
			return p.Format(time.RFC3339)
		}
		for _, k := range toks {
			user := ""
			if k.UserID != 0 {
				user = strconv.FormatInt(k.UserID, 10)
			}
			t.rows = append(t.rows, []string{strconv.FormatInt(k.ID, 10), k.Name, user, strings.Join(k.Scopes, " "),
				at(k.ExpiresAt), at(k.RevokedAt), at(k.LastUsedAt), k.CreatedBy})
		}
		return t, nil
	})
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token for good",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "Token id %q: want a number (see attain token list).", args[0])
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := m.App.RevokeToken(cmd.Context(), who, id); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Token %d revoked.\n", id)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func (m *Main) auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "The audit trail: every change, sign-in and token use; append-only"}
	var entity, entityID string
	var limit int
	list := m.listCommand(&cobra.Command{
		Use:   "list [--entity KIND] [--id ID] [--limit N]",
		Short: "List audit entries, newest first",
		Args:  cobra.NoArgs,
	}, func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
		entries, err := m.App.Audit(ctx, who, entity, entityID, limit)
		if err != nil {
			return nil, err
		}
		t := &table{header: []string{"id", "at", "actor", "addr", "action", "entity", "entity_id", "reason"}, json: entries}
		for _, e := range entries {
			t.rows = append(t.rows, []string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), e.Actor, e.Addr, e.Action, e.Entity, e.EntityID, e.Reason})
		}
		return t, nil
	})
	list.Flags().StringVar(&entity, "entity", "", "only this kind: user, api_token, kpi, dataset, employee, ...")
	list.Flags().StringVar(&entityID, "id", "", "only this entity (id, name or e-mail)")
	list.Flags().IntVar(&limit, "limit", 100, "at most this many")
	var exEntity, exID string
	export := &cobra.Command{
		Use:   "export [--entity KIND] [--id ID]",
		Short: "Write the whole audit trail (or one entity's) as CSV to standard output, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			f, err := m.App.AuditFile(cmd.Context(), who, exEntity, exID)
			if err != nil {
				return err
			}
			return f.Save(m.Stdout)
		},
	}
	export.Flags().StringVar(&exEntity, "entity", "", "only this kind of entity")
	export.Flags().StringVar(&exID, "id", "", "only this entity")
	cmd.AddCommand(list, export)
	return cmd
}
