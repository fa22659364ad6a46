package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

const pw = "correct horse battery"

// smallUsers is the small workspace with users: bob and cy (members, their
// employees), ann (a member who manages them), root (an admin, no
// employee). Everyone's password is pw.
func smallUsers(t *testing.T) (*app.App, kpi.Actor) {
	t.Helper()
	return smallUsersOn(t, kpitest.MustOpenDB(t))
}

// smallUsersOn is smallUsers over db.
func smallUsersOn(t *testing.T, db *sqldb.DB) (*app.App, kpi.Actor) {
	t.Helper()
	a, admin := apptest.SmallOn(t, db)
	for _, r := range []app.UserRequest{
		{Email: "ann@small.example", EmployeeID: "ann", Password: pw},
		{Email: "bob@small.example", EmployeeID: "bob", Password: pw},
		{Email: "cy@small.example", EmployeeID: "cy", Password: pw},
		{Email: "root@small.example", Role: kpi.RoleAdmin, Password: pw},
	} {
		if _, err := a.CreateUser(context.Background(), admin, r); err != nil {
			t.Fatal(err)
		}
	}
	return a, admin
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := kpi.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func signIn(t *testing.T, a *app.App, email, password, addr string) (*app.SignedIn, error) {
	t.Helper()
	return a.SignIn(context.Background(), app.SignInRequest{Workspace: "small", Email: email, Password: password, Addr: addr})
}

func TestSignIn(t *testing.T) {
	a, admin := smallUsers(t)
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		in, err := signIn(t, a, "Bob@Small.example", pw, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		who, err := a.Authenticate(ctx, app.Credentials{Session: in.Secret, Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		if who.Name != "user:bob@small.example" || who.EmployeeID != "bob" || who.Role != kpi.RoleMember || who.UserID == 0 || who.Addr != "192.0.2.1" {
			t.Errorf("actor = %+v", who)
		}
		if in.CSRF == "" || !app.CheckCSRF(in.Secret, in.CSRF) || app.CheckCSRF(in.Secret, in.CSRF+"x") || app.CheckCSRF(in.Secret, "") {
			t.Errorf("CSRF token %q does not check out", in.CSRF)
		}
		// Bob acts as himself: his scorecard yes, cy's no.
		if _, err := a.Scorecard(ctx, who, app.ScorecardRequest{Employee: "bob", Period: "2025-06"}); err != nil {
			t.Error(err)
		}
		_, err = a.Scorecard(ctx, who, app.ScorecardRequest{Employee: "cy", Period: "2025-06"})
		wantCode(t, err, kpi.EFORBIDDEN)
		again, err := signIn(t, a, "bob@small.example", pw, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if again.Secret == in.Secret {
			t.Error("a second sign-in reused the session")
		}
		if err := a.SignOut(ctx, in.Secret); err != nil {
			t.Fatal(err)
		}
		_, err = a.Authenticate(ctx, app.Credentials{Session: in.Secret})
		wantCode(t, err, kpi.EUNAUTHORIZED)
		if _, err := a.Authenticate(ctx, app.Credentials{Session: again.Secret}); err != nil {
			t.Errorf("signing out one session ended another: %v", err)
		}
	})

	t.Run("ErrWrong", func(t *testing.T) {
		for _, c := range []struct{ ws, email, password string }{
			{"small", "bob@small.example", "wrong password!"},
			{"small", "nobody@small.example", pw},
			{"small", "bob@small.example", ""},
			{"nope", "bob@small.example", pw},
		} {
			_, err := a.SignIn(ctx, app.SignInRequest{Workspace: c.ws, Email: c.email, Password: c.password, Addr: "192.0.2.2"})
			wantCode(t, err, kpi.EUNAUTHORIZED)
		}
		_, err := a.Authenticate(ctx, app.Credentials{Session: "1.forged"})
		wantCode(t, err, kpi.EUNAUTHORIZED)
		_, err = a.Authenticate(ctx, app.Credentials{})
		wantCode(t, err, kpi.EUNAUTHORIZED)
	})

	t.Run("Audited", func(t *testing.T) {
		entries, err := a.Audit(ctx, admin, "user", "bob@small.example", 100)
		if err != nil {
			t.Fatal(err)
		}
		var ok, failed int
		for _, e := range entries {
			switch e.Action {
			case "sign_in":
				ok++
			case "sign_in_failed":
				failed++
				if e.Addr != "192.0.2.2" || e.Reason == "" {
					t.Errorf("failure entry %+v lacks the address or the reason", e)
				}
			}
		}
		if ok != 2 || failed != 2 {
			t.Errorf("%d sign-ins and %d failures audited, want 2 and 2: %+v", ok, failed, entries)
		}
		if unknown, _ := a.Audit(ctx, admin, "user", "nobody@small.example", 10); len(unknown) != 1 || unknown[0].Reason != "unknown e-mail" {
			t.Errorf("unknown account: %+v", unknown)
		}
	})

	t.Run("DisabledUser", func(t *testing.T) {
		in, err := signIn(t, a, "cy@small.example", pw, "192.0.2.3")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := a.UpdateUser(ctx, admin, "cy@small.example", kpi.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, err = a.Authenticate(ctx, app.Credentials{Session: in.Secret})
		wantCode(t, err, kpi.EUNAUTHORIZED)
		_, err = signIn(t, a, "cy@small.example", pw, "192.0.2.3")
		wantCode(t, err, kpi.EUNAUTHORIZED)
	})
}

// TestSignInSlowDown fails sign-ins until the account must wait, then
// shows the wait holds for the right password too, grows, and ends.
func TestSignInSlowDown(t *testing.T) {
	db := kpitest.MustOpenDB(t)
	a, _ := smallUsersOn(t, db)
	// One clock for the app and its store, which dates the failures: the
	// password checks take seconds on a loaded machine.
	now := time.Now()
	a.Now = func() time.Time { return now }
	db.Now = a.Now
	for i := 1; i <= 4; i++ {
		_, err := signIn(t, a, "bob@small.example", "wrong password!", "192.0.2.9")
		if kpi.ErrorMessage(err) != "Wrong e-mail or password." {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, err := signIn(t, a, "bob@small.example", "wrong password!", "192.0.2.9")
	if !strings.Contains(kpi.ErrorMessage(err), "Too many failed sign-ins (5 in a row): try again in 30 seconds") {
		t.Fatalf("fifth failure: %v", err)
	}
	_, err = signIn(t, a, "bob@small.example", pw, "192.0.2.10")
	if !strings.Contains(kpi.ErrorMessage(err), "try again in") {
		t.Fatalf("the right password during the wait, from elsewhere: %v", err)
	}
	if _, err := signIn(t, a, "cy@small.example", pw, "192.0.2.9"); err != nil {
		t.Errorf("another account from the same address: %v", err)
	}
	now = now.Add(31 * time.Second)
	_, err = signIn(t, a, "bob@small.example", "wrong password!", "192.0.2.9")
	if !strings.Contains(kpi.ErrorMessage(err), "6 in a row): try again in 60 seconds") {
		t.Fatalf("sixth failure: %v", err)
	}
	now = now.Add(61 * time.Second)
	if _, err := signIn(t, a, "bob@small.example", pw, "192.0.2.9"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	// Success starts the account's count again.
	if _, err := signIn(t, a, "bob@small.example", "wrong password!", "192.0.2.9"); kpi.ErrorMessage(err) != "Wrong e-mail or password." {
		t.Errorf("after a success: %v", err)
	}
}

func TestSignInSlowDownPerAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("twenty password checks")
	}
	a, _ := smallUsers(t)
	for i := range 20 {
		// Each a different account, so no account's count reaches five.
		email := []string{"a", "b", "c", "d", "e"}[i%5] + "x" + string(rune('a'+i)) + "@small.example"
		signIn(t, a, email, "wrong password!", "198.51.100.7")
	}
	_, err := signIn(t, a, "bob@small.example", pw, "198.51.100.7")
	if !strings.Contains(kpi.ErrorMessage(err), "Too many failed sign-ins (20 in a row)") {
		t.Fatalf("after 20 failures from one address: %v", err)
	}
	if _, err := signIn(t, a, "bob@small.example", pw, "198.51.100.8"); err != nil {
		t.Errorf("from another address: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	a, _ := smallUsers(t)
	ctx := context.Background()
	start := time.Now()
	at := func(d time.Duration) func() time.Time { return func() time.Time { return start.Add(d) } }

	a.Auth = app.AuthConfig{SessionIdle: 30 * time.Minute, SessionMax: 100 * time.Hour}
	in, err := signIn(t, a, "bob@small.example", pw, "")
	if err != nil {
		t.Fatal(err)
	}
	a.Now = at(29 * time.Minute)
	if _, err := a.Authenticate(ctx, app.Credentials{Session: in.Secret}); err != nil {
		t.Fatalf("used within the idle time: %v", err)
	}
	a.Now = at(31 * time.Minute) // the store saw it last at the start
	_, err = a.Authenticate(ctx, app.Credentials{Session: in.Secret})
	wantCode(t, err, kpi.EUNAUTHORIZED)

	a.Now = nil
	a.Auth = app.AuthConfig{SessionIdle: 100 * time.Hour, SessionMax: time.Hour}
	if in, err = signIn(t, a, "bob@small.example", pw, ""); err != nil {
		t.Fatal(err)
	}
	a.Now = at(59 * time.Minute)
	if _, err := a.Authenticate(ctx, app.Credentials{Session: in.Secret}); err != nil {
		t.Fatalf("before the absolute expiry: %v", err)
	}
	a.Now = at(61 * time.Minute)
	_, err = a.Authenticate(ctx, app.Credentials{Session: in.Secret})
	wantCode(t, err, kpi.EUNAUTHORIZED)
	a.Now = nil
	_, err = a.Authenticate(ctx, app.Credentials{Session: in.Secret})
	wantCode(t, err, kpi.EUNAUTHORIZED) // and it is gone for good
}

func TestPasswords(t *testing.T) {
	a, admin := smallUsers(t)
	ctx := context.Background()

	t.Run("ChangeSignsOutEverywhere", func(t *testing.T) {
		s1, err := signIn(t, a, "ann@small.example", pw, "")
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := signIn(t, a, "ann@small.example", pw, "")
		ann, err := a.Authenticate(ctx, app.Credentials{Session: s1.Secret})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, a.ChangePassword(ctx, ann, "wrong", "a new password"), kpi.EINVALID)
		wantCode(t, a.ChangePassword(ctx, ann, pw, "short"), kpi.EINVALID)
		if err := a.ChangePassword(ctx, ann, pw, "a new password"); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*app.SignedIn{s1, s2} {
			_, err := a.Authenticate(ctx, app.Credentials{Session: s.Secret})
			wantCode(t, err, kpi.EUNAUTHORIZED)
		}
		_, err = signIn(t, a, "ann@small.example", pw, "")
		wantCode(t, err, kpi.EUNAUTHORIZED)
		if _, err := signIn(t, a, "ann@small.example", "a new password", ""); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ResetLink", func(t *testing.T) {
		bob, _ := signIn(t, a, "bob@small.example", pw, "")
		link, err := a.ResetPassword(ctx, admin, "bob@small.example")
		if err != nil {
			t.Fatal(err)
		}
		token, ok := strings.CutPrefix(link.URL, app.DefaultBaseURL+"/reset?token=")
		if !ok || link.ExpiresAt.Before(time.Now().Add(71*time.Hour)) {
			t.Fatalf("link %+v", link)
		}
		if _, err := signIn(t, a, "bob@small.example", pw, ""); err != nil {
			t.Errorf("the old password stops working before the link is used: %v", err)
		}
		wantCode(t, a.UseResetLink(ctx, token, "short", ""), kpi.EINVALID)
		if err := a.UseResetLink(ctx, token, "bob's new password", "192.0.2.5"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, a.UseResetLink(ctx, token, "bob's other password", ""), kpi.EUNAUTHORIZED)
		_, err = a.Authenticate(ctx, app.Credentials{Session: bob.Secret})
		wantCode(t, err, kpi.EUNAUTHORIZED)
		if _, err := signIn(t, a, "bob@small.example", "bob's new password", ""); err != nil {
			t.Fatal(err)
		}
		wantCode(t, a.UseResetLink(ctx, "1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "a new password", ""), kpi.EUNAUTHORIZED)

		// An expired link does nothing.
		link, _ = a.ResetPassword(ctx, admin, "bob@small.example")
		a.Now = func() time.Time { return time.Now().Add(-73 * time.Hour) } // made 73 hours ago
		old, _ := a.ResetPassword(ctx, admin, "bob@small.example")
		a.Now = nil
		wantCode(t, a.UseResetLink(ctx, strings.SplitN(old.URL, "token=", 2)[1], "a new password", ""), kpi.EUNAUTHORIZED)
		if err := a.UseResetLink(ctx, strings.SplitN(link.URL, "token=", 2)[1], "a new password", ""); err != nil {
			t.Errorf("the fresh link: %v", err)
		}
	})

	t.Run("NoMailer", func(t *testing.T) {
		wantCode(t, a.RequestPasswordReset(ctx, "small", "bob@small.example", ""), kpi.EUNAVAILABLE)
	})
}

func TestUsers(t *testing.T) {
	a, admin := smallUsers(t)
	ctx := context.Background()
	bob := mustActor(t, a, "bob@small.example")

	t.Run("OnlyAdmins", func(t *testing.T) {
		_, err := a.CreateUser(ctx, bob, app.UserRequest{Email: "eve@small.example", Role: kpi.RoleAdmin})
		wantCode(t, err, kpi.EFORBIDDEN)
		_, err = a.Users(ctx, bob)
		wantCode(t, err, kpi.EFORBIDDEN)
		r := kpi.RoleAdmin
		_, err = a.UpdateUser(ctx, bob, "bob@small.example", kpi.UserUpdate{Role: &r})
		wantCode(t, err, kpi.EFORBIDDEN)
		_, err = a.ResetPassword(ctx, bob, "ann@small.example")
		wantCode(t, err, kpi.EFORBIDDEN)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for _, r := range []app.UserRequest{
			{Email: "not an address"},
			{Email: "Eve <eve@small.example>"},
			{Email: "eve@small.example", Role: "boss"},
			{Email: "eve@small.example", Password: "short"},
		} {
			_, err := a.CreateUser(ctx, admin, r)
			wantCode(t, err, kpi.EINVALID)
		}
		_, err := a.CreateUser(ctx, admin, app.UserRequest{Email: "eve@small.example", EmployeeID: "nobody"})
		wantCode(t, err, kpi.ENOTFOUND)
		_, err = a.CreateUser(ctx, admin, app.UserRequest{Email: "bob2@small.example", EmployeeID: "bob"})
		wantCode(t, err, kpi.ECONFLICT)
	})

	t.Run("RoleChangeTakesEffect", func(t *testing.T) {
		_, err := a.Payouts(ctx, bob, "2025-06")
		wantCode(t, err, kpi.EFORBIDDEN)
		fin := kpi.RoleFinance
		u, err := a.UpdateUser(ctx, admin, "bob@small.example", kpi.UserUpdate{Role: &fin})
		if err != nil || u.Role != kpi.RoleFinance {
			t.Fatalf("%+v, %v", u, err)
		}
		if _, err := a.Payouts(ctx, mustActor(t, a, "bob@small.example"), "2025-06"); err != nil {
			t.Errorf("bob as finance: %v", err)
		}
		entries, _ := a.Audit(ctx, admin, "user", "bob@small.example", 100)
		found := false
		for _, e := range entries {
			found = found || e.Action == "update" && strings.Contains(e.New, `"role":"finance"`) && strings.Contains(e.Old, `"role":"member"`) && e.Actor == admin.Name
		}
		if !found {
			t.Errorf("role change not audited: %+v", entries)
		}
	})

	t.Run("LastAdminStays", func(t *testing.T) {
		mem, yes := kpi.RoleMember, true
		_, err := a.UpdateUser(ctx, admin, "root@small.example", kpi.UserUpdate{Role: &mem})
		wantCode(t, err, kpi.ECONFLICT)
		_, err = a.UpdateUser(ctx, admin, "root@small.example", kpi.UserUpdate{Disabled: &yes})
		wantCode(t, err, kpi.ECONFLICT)
		adm := kpi.RoleAdmin
		if _, err := a.UpdateUser(ctx, admin, "ann@small.example", kpi.UserUpdate{Role: &adm}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.UpdateUser(ctx, admin, "root@small.example", kpi.UserUpdate{Role: &mem}); err != nil {
			t.Errorf("with another admin: %v", err)
		}
	})
}

// mustActor signs in as email and returns who that is.
func mustActor(t *testing.T, a *app.App, email string) kpi.Actor {
	t.Helper()
	in, err := signIn(t, a, email, pw, "")
	if err != nil {
		t.Fatal(err)
	}
	return in.Actor
}

func TestTokens(t *testing.T) {
	a, admin := smallUsers(t)
	ctx := context.Background()
	bob := mustActor(t, a, "bob@small.example")
	auth := func(secret string) (kpi.Actor, error) {
		return a.Authenticate(ctx, app.Credentials{Token: secret, Addr: "203.0.113.4"})
	}

	t.Run("UserTokenActsAsUser", func(t *testing.T) {
		tok, err := a.CreateToken(ctx, bob, app.TokenRequest{Name: "bob's script", Scopes: []string{"values:read"}})
		if err != nil {
			t.Fatal(err)
		}
		if tok.UserID != bob.UserID || tok.ExpiresAt == nil || tok.ExpiresAt.Before(time.Now().Add(89*24*time.Hour)) {
			t.Errorf("token = %+v, want bob's, expiring in 90 days", tok)
		}
		who, err := auth(tok.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if who.Name != "token:bob's script" || who.EmployeeID != "bob" || who.Role != kpi.RoleMember || who.UserID != bob.UserID {
			t.Errorf("actor = %+v", who)
		}
		if _, err := a.Values(ctx, who, app.ValuesRequest{Employees: []string{"bob"}, Period: "2025-06"}); err != nil {
			t.Errorf("bob's own values: %v", err)
		}
		_, err = a.Values(ctx, who, app.ValuesRequest{Employees: []string{"cy"}, Period: "2025-06"})
		wantCode(t, err, kpi.EFORBIDDEN) // never more than bob
		_, err = a.Scorecard(ctx, who, app.ScorecardRequest{Employee: "bob", Period: "2025-06"})
		if err != nil {
			t.Errorf("scorecard with values:read: %v", err)
		}
		_, err = a.Statement(ctx, who, app.StatementRef{Employee: "bob", Period: "2025-06"})
		wantCode(t, err, kpi.EFORBIDDEN) // not in its scopes
		// A token cannot make a token with more scopes than it has.
		_, err = a.CreateToken(ctx, who, app.TokenRequest{Name: "more", Scopes: []string{"statements:read"}})
		wantCode(t, err, kpi.EFORBIDDEN)
		_, err = a.CreateToken(ctx, who, app.TokenRequest{Name: "more", Scopes: []string{"tokens:write"}})
		wantCode(t, err, kpi.EFORBIDDEN)
		// Nor can a member make an integration's token.
		_, err = a.CreateToken(ctx, bob, app.TokenRequest{Name: "crm", Integration: true})
		wantCode(t, err, kpi.EFORBIDDEN)
	})

	t.Run("IntegrationScopedToDataset", func(t *testing.T) {
		tok, err := a.CreateToken(ctx, admin, app.TokenRequest{Name: "crm", Scopes: []string{"records:write:deals"}})
		if err != nil {
			t.Fatal(err)
		}
		who, err := auth(tok.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if who.Role != kpi.RoleAdmin || who.UserID != 0 || who.EmployeeID != "" {
			t.Errorf("integration actor = %+v", who)
		}
		csv := "id,rep,stage,amount,closed_on,days\nd9,bob,Won,10,2025-06-03,1.0\n"
		if _, err := a.ImportRecords(ctx, who, app.ImportRequest{Dataset: "deals", File: "x.csv", Body: strings.NewReader(csv)}); err != nil {
			t.Errorf("writing deals: %v", err)
		}
		_, err = a.Values(ctx, who, app.ValuesRequest{Period: "2025-06"})
		wantCode(t, err, kpi.EFORBIDDEN)
		_, err = a.CreateToken(ctx, admin, app.TokenRequest{Name: "bad", Scopes: []string{"values:write"}})
		wantCode(t, err, kpi.EINVALID)
		_, err = a.CreateToken(ctx, admin, app.TokenRequest{Name: "bad", Scopes: []string{"values:read:deals"}})
		wantCode(t, err, kpi.EINVALID)
	})

	t.Run("ExpiryAndRevocation", func(t *testing.T) {
		tok, err := a.CreateToken(ctx, bob, app.TokenRequest{Name: "short", Expires: "1h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth(tok.Secret); err != nil {
			t.Fatal(err)
		}
		a.Now = func() time.Time { return time.Now().Add(61 * time.Minute) }
		_, err = auth(tok.Secret)
		a.Now = nil
		wantCode(t, err, kpi.EUNAUTHORIZED)
		if !strings.Contains(kpi.ErrorMessage(err), "expired") {
			t.Errorf("err = %v", err)
		}
		for _, bad := range []string{"0d", "2001-01-01", "soon", "-1h"} {
			_, err := a.CreateToken(ctx, bob, app.TokenRequest{Name: "x", Expires: bad})
			wantCode(t, err, kpi.EINVALID)
		}

		tok, _ = a.CreateToken(ctx, bob, app.TokenRequest{Name: "revoked"})
		cy := mustActor(t, a, "cy@small.example")
		wantCode(t, a.RevokeToken(ctx, cy, tok.ID), kpi.EFORBIDDEN) // not cy's
		if err := a.RevokeToken(ctx, bob, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = auth(tok.Secret)
		wantCode(t, err, kpi.EUNAUTHORIZED)

		// A disabled user's tokens stop working.
		tok, _ = a.CreateToken(ctx, cy, app.TokenRequest{Name: "cy's"})
		yes := true
		if _, err := a.UpdateUser(ctx, admin, "cy@small.example", kpi.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, err = auth(tok.Secret)
		wantCode(t, err, kpi.EUNAUTHORIZED)
	})

	t.Run("LastUseAndList", func(t *testing.T) {
		mine, err := a.Tokens(ctx, bob, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range mine {
			if k.UserID != bob.UserID || k.Secret != "" {
				t.Errorf("bob lists %+v", k)
			}
		}
		_, err = a.Tokens(ctx, bob, true)
		wantCode(t, err, kpi.EFORBIDDEN)
		all, err := a.Tokens(ctx, admin, true)
		if err != nil || len(all) <= len(mine) {
			t.Fatalf("all tokens: %d, %v", len(all), err)
		}
		used := 0
		for _, k := range all {
			if k.LastUsedAt != nil {
				used++
			}
		}
		if used == 0 {
			t.Error("no token's last use recorded")
		}
		entries, _ := a.Audit(ctx, admin, "api_token", "", 1000)
		uses := 0
		for _, e := range entries {
			if e.Action == "use" {
				uses++
				if e.Addr != "203.0.113.4" || !strings.HasPrefix(e.Actor, "token:") {
					t.Errorf("use entry %+v", e)
				}
			}
		}
		if uses != used {
			t.Errorf("%d uses audited for %d tokens used today", uses, used)
		}
	})
}

func TestAuditFile(t *testing.T) {
	a, admin := smallUsers(t)
	ctx := context.Background()
	if _, err := a.CreateUser(ctx, admin, app.UserRequest{Email: "x@small.example", Name: "=HYPERLINK(\"http://evil.example\")"}); err != nil {
		t.Fatal(err)
	}
	_, err := a.AuditFile(ctx, mustActor(t, a, "bob@small.example"), "", "")
	wantCode(t, err, kpi.EFORBIDDEN)
	f, err := a.AuditFile(ctx, admin, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Save(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != f.Count+1 || rows[0][0] != "id" || rows[0][3] != "addr" || rows[1][0] != "1" {
		t.Fatalf("%d rows for %d entries, header %v, first %v", len(rows), f.Count, rows[0], rows[1])
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("cell %q starts a formula", c)
			}
		}
	}
	finance, _ := a.CreateUser(ctx, admin, app.UserRequest{Email: "fin@small.example", Role: kpi.RoleAuditor, Password: pw})
	if _, err := a.AuditFile(ctx, mustActor(t, a, finance.Email), "user", ""); err != nil {
		t.Errorf("an auditor exports the trail: %v", err)
	}
}
