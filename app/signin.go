package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"attain/kpi"
)

// SignInRequest is what a sign-in form sends.
type SignInRequest struct {
	Workspace string // slug; "" is AuthConfig.Workspace
	Email     string
	Password  string
	Addr      string // the client's address
}

// SignedIn is a new session: Secret goes into the cookie, CSRF into the
// pages served to it. Both are shown once.
type SignedIn struct {
	Secret    string
	CSRF      string
	ExpiresAt time.Time
	Actor     kpi.Actor
}

// The slow-down after failed sign-ins: from the fifth failure in a row of
// an account (the twentieth of a client address, which may be a whole
// office), each next try waits 30 s, doubling up to 15 minutes. Failures
// older than failureWindow are forgotten.
const (
	accountFailures = 5
	addrFailures    = 20
	firstDelay      = 30 * time.Second
	maxDelay        = 15 * time.Minute
	failureWindow   = 24 * time.Hour
)

// failureDelay is how long to wait after n failures in a row before the
// next try, with limit failures allowed freely.
func failureDelay(n, limit int) time.Duration {
	if n < limit {
		return 0
	}
	d := firstDelay
	for i := limit; i < n && d < maxDelay; i++ {
		d *= 2
	}
	return min(d, maxDelay)
}

var errBadSignIn = kpi.Errorf(kpi.EUNAUTHORIZED, "Wrong e-mail or password.")

// SignIn checks an e-mail and password and starts a new session (never
// reusing one the browser had). Every success and failure is audited with
// the client's address; after repeated failures of the account or from
// the address, tries are refused for a growing while.
func (a *App) SignIn(ctx context.Context, req SignInRequest) (*SignedIn, error) {
	ws, err := a.svc.Workspaces.FindWorkspaceBySlug(ctx, a.signInWorkspace(req.Workspace))
	if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		return nil, kpi.Errorf(kpi.EUNAUTHORIZED, "There is no workspace %q.", a.signInWorkspace(req.Workspace))
	} else if err != nil {
		return nil, err
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	ctx = kpi.NewContextWithAddr(kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "user:"+email), req.Addr)
	keys := []string{"account:" + email, "addr:" + req.Addr}
	if err := a.throttled(ctx, email, keys); err != nil {
		return nil, err
	}
	u, err := a.svc.Users.FindUserByEmail(ctx, email)
	if err != nil && kpi.ErrorCode(err) != kpi.ENOTFOUND {
		return nil, err
	}
	// Without a user or a password, a dummy hash is checked all the same,
	// so the answer takes as long and says as much as a wrong password.
	hash, why := "", "unknown e-mail"
	if u != nil {
		if hash, err = a.svc.Users.PasswordHash(ctx, u.ID); err != nil {
			return nil, err
		}
		why = "wrong password"
		if hash == "" {
			why = "no password (single sign-on only)"
		}
	}
	var ok bool
	if hash == "" {
		verifyPassword(req.Password, dummyHash())
	} else {
		ok = verifyPassword(req.Password, hash)
	}
	if ok && u.Disabled {
		ok, why = false, "user disabled"
	}
	if !ok {
		return nil, a.signInFailed(ctx, email, why, keys)
	}
	if err := a.svc.Throttle.ClearSignInFailures(ctx, keys[0]); err != nil {
		return nil, err
	}
	return a.newSession(ctx, u, req.Addr, "password")
}

// throttled refuses a try while the account or the address must wait; the
// refusal is audited too.
func (a *App) throttled(ctx context.Context, email string, keys []string) error {
	fs, err := a.svc.Throttle.SignInFailures(ctx, keys...)
	if err != nil {
		return err
	}
	now := a.now()
	for i, f := range fs {
		limit := accountFailures
		if i == 1 {
			limit = addrFailures
		}
		d := failureDelay(f.Count, limit)
		if wait := f.Last.Add(d).Sub(now); d > 0 && wait > 0 {
			why := fmt.Sprintf("refused: %d failed sign-ins of %s", f.Count, keys[i])
			if _, err := a.svc.Throttle.SignInFailed(ctx, email, why, nil, failureWindow); err != nil {
				return err
			}
			return tooMany(f.Count, wait)
		}
	}
	return nil
}

func tooMany(n int, wait time.Duration) error {
	return kpi.Errorf(kpi.EUNAUTHORIZED, "Too many failed sign-ins (%d in a row): try again in %s, or ask an admin to reset your password.", n, roundUp(wait))
}

// roundUp says a wait in whole seconds or minutes.
func roundUp(d time.Duration) string {
	if d <= time.Minute {
		return fmt.Sprintf("%d seconds", int((d+time.Second-1)/time.Second))
	}
	return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
}

// signInFailed counts and audits a failure and says what the person may
// do: try again, or, when this failure starts a wait, how long.
func (a *App) signInFailed(ctx context.Context, email, why string, keys []string) error {
	fs, err := a.svc.Throttle.SignInFailed(ctx, email, why, keys, failureWindow)
	if err != nil {
		return err
	}
	if d := failureDelay(fs[0].Count, accountFailures); d > 0 {
		return tooMany(fs[0].Count, d)
	}
	if d := failureDelay(fs[1].Count, addrFailures); d > 0 {
		return tooMany(fs[1].Count, d)
	}
	return errBadSignIn
}

// newSession starts a session for u with a fresh secret.
func (a *App) newSession(ctx context.Context, u *kpi.User, addr, method string) (*SignedIn, error) {
	secret, hash, err := newSecret(u.WorkspaceID)
	if err != nil {
		return nil, err
	}
	s := &kpi.Session{UserID: u.ID, ExpiresAt: a.now().Add(a.sessionMax()), Addr: addr, Method: method}
	ctx = kpi.NewContextWithAddr(kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, u.WorkspaceID), "user:"+u.Email), addr)
	if err := a.svc.Sessions.CreateSession(ctx, s, hash); err != nil {
		return nil, err
	}
	return &SignedIn{Secret: secret, CSRF: CSRFToken(secret), ExpiresAt: s.ExpiresAt, Actor: userActor(u, addr)}, nil
}

// SignOut ends the session whose cookie this is; an unknown or ended one
// is no error.
func (a *App) SignOut(ctx context.Context, session string) error {
	ws, hash, ok := parseSecret(session)
	if !ok {
		return nil
	}
	return a.svc.Sessions.DeleteSession(kpi.NewContextWithWorkspace(ctx, ws), hash)
}

// ChangePassword sets the signed-in user's password after checking the
// current one; every session of theirs ends, this one too.
func (a *App) ChangePassword(ctx context.Context, who kpi.Actor, current, next string) error {
	if who.UserID == 0 {
		return kpi.Errorf(kpi.EFORBIDDEN, "Only a signed-in user has a password to change.")
	}
	ctx, err := a.begin(ctx, who, WriteTokens, on{})
	if err != nil {
		return err
	}
	hash, err := a.svc.Users.PasswordHash(ctx, who.UserID)
	if err != nil {
		return err
	}
	if hash != "" && !verifyPassword(current, hash) {
		return kpi.Errorf(kpi.EINVALID, "The current password is wrong.")
	}
	return a.setPassword(ctx, who.UserID, next)
}

func (a *App) setPassword(ctx context.Context, id int64, pw string) error {
	if err := checkPassword(pw); err != nil {
		return err
	}
	hash, err := hashPassword(pw)
	if err != nil {
		return err
	}
	return a.svc.Users.SetPasswordHash(ctx, id, hash)
}

// ResetLink is a one-time link to set a new password.
type ResetLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// How long reset links work: one an admin hands over, one sent by e-mail.
const (
	adminResetLife = 72 * time.Hour
	mailResetLife  = time.Hour
)

// ResetPassword makes a one-time link for the user with this e-mail to set
// a new password; an admin hands it over. It is shown once: only its hash
// is kept. The current password works until the link is used.
func (a *App) ResetPassword(ctx context.Context, who kpi.Actor, email string) (*ResetLink, error) {
	ctx, u, err := a.beginOnUser(ctx, who, email)
	if err != nil {
		return nil, err
	}
	return a.resetLink(ctx, u, adminResetLife)
}

func (a *App) resetLink(ctx context.Context, u *kpi.User, life time.Duration) (*ResetLink, error) {
	secret, hash, err := newSecret(u.WorkspaceID)
	if err != nil {
		return nil, err
	}
	exp := a.now().Add(life)
	if err := a.svc.ResetLinks.CreateResetLink(ctx, u.ID, hash, exp); err != nil {
		return nil, err
	}
	return &ResetLink{URL: a.baseURL() + "/reset?token=" + secret, ExpiresAt: exp}, nil
}

// ErrNoMail says that reset links cannot be sent by e-mail here.
var ErrNoMail = kpi.Errorf(kpi.EUNAVAILABLE, "Password reset by e-mail is not set up on this server; ask an admin for a reset link.")

// RequestPasswordReset e-mails a one-time reset link to the user with this
// e-mail, if there is one and they are not disabled. Whether there is is
// not told: the answer is the same.
func (a *App) RequestPasswordReset(ctx context.Context, workspace, email, addr string) error {
	if a.Auth.Mailer == nil {
		return ErrNoMail
	}
	if _, err := mail.ParseAddress(email); err != nil {
		return kpi.Errorf(kpi.EINVALID, "%q is not an e-mail address.", email)
	}
	ws, err := a.svc.Workspaces.FindWorkspaceBySlug(ctx, a.signInWorkspace(workspace))
	if kpi.ErrorCode(err) == kpi.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	ctx = kpi.NewContextWithAddr(kpi.NewContextWithActor(kpi.NewContextWithWorkspace(ctx, ws.ID), "reset:"+email), addr)
	u, err := a.svc.Users.FindUserByEmail(ctx, email)
	if kpi.ErrorCode(err) == kpi.ENOTFOUND || (err == nil && u.Disabled) {
		return nil
	} else if err != nil {
		return err
	}
	link, err := a.resetLink(ctx, u, mailResetLife)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Someone (from %s) asked to set a new password for %s on %s.\r\n\r\n"+
		"Open this link within an hour to set one; it works once:\r\n\r\n%s\r\n\r\n"+
		"If it was not you, ignore this e-mail: your password stays as it is.\r\n", addr, u.Email, ws.Name, link.URL)
	if err := a.Auth.Mailer.Send(ctx, u.Email, "Set a new Attain password", body); err != nil {
		return fmt.Errorf("send reset link: %w", err)
	}
	return nil
}

// UseResetLink sets a new password with a reset link's token, once. The
// user's sessions end and they sign in with the new password.
func (a *App) UseResetLink(ctx context.Context, token, password, addr string) error {
	ws, hash, ok := parseSecret(token)
	if !ok {
		return kpi.Errorf(kpi.EUNAUTHORIZED, "This link is not valid: it expired or was used. Ask for a new one.")
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	ctx = kpi.NewContextWithAddr(kpi.NewContextWithWorkspace(ctx, ws), addr)
	id, err := a.svc.ResetLinks.UseResetLink(ctx, hash)
	if err != nil {
		return err
	}
	u, err := a.svc.Users.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	ctx = kpi.NewContextWithActor(ctx, "user:"+u.Email)
	if err := a.setPassword(ctx, id, password); err != nil {
		return err
	}
	return a.svc.Throttle.ClearSignInFailures(ctx, "account:"+u.Email)
}
