package sqldb_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

func TestUserService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		other := mustWorkspace(t, db, "other")
		s := sqldb.NewUserService(db)
		ann := &kpi.User{Email: " Ann@Example.com ", Name: "Ann", EmployeeID: "e1", Role: kpi.RoleMember}
		if err := s.CreateUser(ctx, ann, "$argon2id$fake"); err != nil {
			t.Fatal(err)
		}
		if ann.ID == 0 || ann.Email != "ann@example.com" || ann.CreatedAt.IsZero() {
			t.Fatalf("created %+v", ann)
		}
		t.Run("Find", func(t *testing.T) {
			got, err := s.FindUserByEmail(ctx, "ANN@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != ann.ID || got.EmployeeID != "e1" || got.Role != kpi.RoleMember || got.Disabled {
				t.Errorf("found %+v", got)
			}
			_, err = s.FindUserByEmail(other, "ann@example.com")
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.FindUserByID(other, ann.ID)
			wantCode(t, err, kpi.ENOTFOUND)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			wantCode(t, s.CreateUser(ctx, &kpi.User{Email: "ann@example.com", Role: kpi.RoleMember}, ""), kpi.ECONFLICT)
			err := s.CreateUser(ctx, &kpi.User{Email: "bob@example.com", EmployeeID: "e1", Role: kpi.RoleMember}, "")
			wantCode(t, err, kpi.ECONFLICT)
			if !strings.Contains(err.Error(), "e1 already has a user") {
				t.Errorf("err = %v", err)
			}
			// Another workspace may have the same person.
			if err := s.CreateUser(other, &kpi.User{Email: "ann@example.com", EmployeeID: "e1", Role: kpi.RoleAdmin}, ""); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			wantCode(t, s.CreateUser(ctx, &kpi.User{Email: "x@example.com", Role: "boss"}, ""), kpi.EINVALID)
			wantCode(t, s.CreateUser(context.Background(), &kpi.User{Email: "x@example.com", Role: kpi.RoleMember}, ""), kpi.EUNAUTHORIZED)
		})
		t.Run("UpdateAndDisable", func(t *testing.T) {
			sessions := sqldb.NewSessionService(db)
			hash := sha256.Sum256([]byte("s1"))
			if err := sessions.CreateSession(ctx, &kpi.Session{UserID: ann.ID, ExpiresAt: time.Now().Add(time.Hour)}, hash[:]); err != nil {
				t.Fatal(err)
			}
			role, none, yes := kpi.RoleFinance, "", true
			u, err := s.UpdateUser(ctx, ann.ID, kpi.UserUpdate{Role: &role, EmployeeID: &none, Disabled: &yes})
			if err != nil {
				t.Fatal(err)
			}
			if u.Role != kpi.RoleFinance || u.EmployeeID != "" || !u.Disabled {
				t.Errorf("updated %+v", u)
			}
			got, _ := s.FindUserByID(ctx, ann.ID)
			if got.Role != kpi.RoleFinance || !got.Disabled || got.LastSignIn == nil {
				t.Errorf("stored %+v", got)
			}
			_, err = sessions.FindSession(ctx, hash[:])
			wantCode(t, err, kpi.EUNAUTHORIZED) // disabling signed her out
			no := false
			if u, err = s.UpdateUser(ctx, ann.ID, kpi.UserUpdate{Disabled: &no}); err != nil || u.Disabled {
				t.Fatalf("enable: %+v, %v", u, err)
			}
			entries, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "user", "ann@example.com", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) < 3 || !strings.Contains(entries[1].Old, `"role":"member"`) || !strings.Contains(entries[1].New, `"role":"finance"`) {
				t.Errorf("audit = %+v", entries)
			}
			for _, e := range entries {
				if strings.Contains(e.Old+e.New, "argon2id") {
					t.Errorf("the audit trail holds a password hash: %+v", e)
				}
			}
		})
		t.Run("PasswordChangeSignsOutEverywhere", func(t *testing.T) {
			sessions := sqldb.NewSessionService(db)
			h1, h2 := sha256.Sum256([]byte("a")), sha256.Sum256([]byte("b"))
			for _, h := range [][32]byte{h1, h2} {
				if err := sessions.CreateSession(ctx, &kpi.Session{UserID: ann.ID, ExpiresAt: time.Now().Add(time.Hour)}, h[:]); err != nil {
					t.Fatal(err)
				}
			}
			link := sha256.Sum256([]byte("link"))
			if err := s.CreateResetLink(ctx, ann.ID, link[:], time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := s.SetPasswordHash(ctx, ann.ID, "$argon2id$new"); err != nil {
				t.Fatal(err)
			}
			if h, _ := s.PasswordHash(ctx, ann.ID); h != "$argon2id$new" {
				t.Errorf("hash = %q", h)
			}
			for _, h := range [][32]byte{h1, h2} {
				_, err := sessions.FindSession(ctx, h[:])
				wantCode(t, err, kpi.EUNAUTHORIZED)
			}
			_, err := s.UseResetLink(ctx, link[:])
			wantCode(t, err, kpi.EUNAUTHORIZED)
		})
		t.Run("ResetLinkOnce", func(t *testing.T) {
			link := sha256.Sum256([]byte("once"))
			if err := s.CreateResetLink(ctx, ann.ID, link[:], time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			_, err := s.UseResetLink(other, link[:])
			wantCode(t, err, kpi.EUNAUTHORIZED)
			id, err := s.UseResetLink(ctx, link[:])
			if err != nil || id != ann.ID {
				t.Fatalf("use = %d, %v", id, err)
			}
			_, err = s.UseResetLink(ctx, link[:])
			wantCode(t, err, kpi.EUNAUTHORIZED)
			old := sha256.Sum256([]byte("old"))
			if err := s.CreateResetLink(ctx, ann.ID, old[:], time.Now().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			_, err = s.UseResetLink(ctx, old[:])
			wantCode(t, err, kpi.EUNAUTHORIZED)
		})
	})
}

func TestSessionService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := kpi.NewContextWithAddr(mustWorkspace(t, db, "acme"), "192.0.2.7")
		other := mustWorkspace(t, db, "other")
		users, s := sqldb.NewUserService(db), sqldb.NewSessionService(db)
		u := &kpi.User{Email: "ann@example.com", Role: kpi.RoleAdmin}
		if err := users.CreateUser(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		hash := sha256.Sum256([]byte("secret"))
		sess := &kpi.Session{UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour), Addr: "192.0.2.7"}
		if err := s.CreateSession(ctx, sess, hash[:]); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindSession(ctx, hash[:])
		if err != nil {
			t.Fatal(err)
		}
		if got.UserID != u.ID || got.Addr != "192.0.2.7" || got.LastSeen.IsZero() || !got.ExpiresAt.Equal(sess.ExpiresAt.UTC().Truncate(time.Microsecond)) {
			t.Errorf("session = %+v, want %+v", got, sess)
		}
		_, err = s.FindSession(other, hash[:])
		wantCode(t, err, kpi.EUNAUTHORIZED)
		entries, _ := sqldb.NewAuditService(db).FindAuditEntries(ctx, "user", u.Email, 1)
		if len(entries) != 1 || entries[0].Action != "sign_in" || entries[0].Addr != "192.0.2.7" {
			t.Errorf("audit = %+v", entries)
		}
		if err := s.TouchSession(ctx, hash[:]); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, hash[:]); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindSession(ctx, hash[:])
		wantCode(t, err, kpi.EUNAUTHORIZED)

		t.Run("Throttle", func(t *testing.T) {
			keys := []string{"account:ann@example.com", "addr:192.0.2.7"}
			for i := 1; i <= 3; i++ {
				f, err := s.SignInFailed(ctx, "ann@example.com", "wrong password", keys, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				if f[0].Count != i || f[1].Count != i {
					t.Fatalf("failure %d counted %+v", i, f)
				}
			}
			f, _ := s.SignInFailures(other, keys...)
			if f[0].Count != 0 {
				t.Errorf("another workspace counts %+v", f)
			}
			// Past the window, counting starts again.
			f, err := s.SignInFailed(ctx, "ann@example.com", "wrong password", keys[:1], 0)
			if err != nil || f[0].Count != 1 {
				t.Errorf("after the window: %+v, %v", f, err)
			}
			if err := s.ClearSignInFailures(ctx, keys[0]); err != nil {
				t.Fatal(err)
			}
			f, _ = s.SignInFailures(ctx, keys...)
			if f[0].Count != 0 || f[1].Count != 3 {
				t.Errorf("after clearing the account: %+v", f)
			}
			entries, _ := sqldb.NewAuditService(db).FindAuditEntries(ctx, "user", u.Email, 1)
			if len(entries) != 1 || entries[0].Action != "sign_in_failed" || entries[0].Reason != "wrong password" || entries[0].Addr != "192.0.2.7" {
				t.Errorf("audit = %+v", entries)
			}
		})
	})
}

func TestTokenLifecycle(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		users, s := sqldb.NewUserService(db), sqldb.NewTokenService(db)
		u := &kpi.User{Email: "ann@example.com", Role: kpi.RoleMember}
		if err := users.CreateUser(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		mine := &kpi.APIToken{Name: "mine", UserID: u.ID, Scopes: []string{"values:read"}, ExpiresAt: &exp}
		crm := &kpi.APIToken{Name: "crm", Scopes: []string{"records:write:deals"}}
		legacy := &kpi.APIToken{Name: "legacy"}
		for _, tok := range []*kpi.APIToken{mine, crm, legacy} {
			if err := s.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Authenticate(context.Background(), mine.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.UserID != u.ID || len(got.Scopes) != 1 || got.Scopes[0] != "values:read" || !got.ExpiresAt.Equal(exp) || got.CreatedBy != "tester" {
			t.Errorf("token = %+v", got)
		}
		if got, _ := s.Authenticate(context.Background(), legacy.Secret); got.Scopes != nil || got.UserID != 0 {
			t.Errorf("legacy token = %+v, want no scopes, no user", got)
		}
		uid, none := u.ID, int64(0)
		if list, _ := s.FindAPITokens(ctx, &uid); len(list) != 1 || list[0].Name != "mine" {
			t.Errorf("ann's tokens = %+v", list)
		}
		if list, _ := s.FindAPITokens(ctx, &none); len(list) != 2 {
			t.Errorf("integrations = %+v", list)
		}
		for range 2 {
			if err := s.TouchAPIToken(ctx, crm.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = s.FindAPITokenByID(ctx, crm.ID)
		if got.LastUsedAt == nil {
			t.Error("last use not recorded")
		}
		entries, _ := sqldb.NewAuditService(db).FindAuditEntries(ctx, "api_token", "2", 0)
		uses := 0
		for _, e := range entries {
			if e.Action == "use" {
				uses++
			}
		}
		if uses != 1 {
			t.Errorf("%d use entries for two uses on one day, want 1: %+v", uses, entries)
		}
		if err := s.RevokeAPIToken(ctx, crm.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Authenticate(context.Background(), crm.Secret); got.RevokedAt == nil {
			t.Error("revocation not stored")
		}
		wantCode(t, s.RevokeAPIToken(ctx, 99), kpi.ENOTFOUND)
	})
}

func TestAuditAppendOnly(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		before, err := sqldb.NewAuditService(db).FindAuditEntries(ctx, "", "", 0)
		if err != nil || len(before) == 0 {
			t.Fatalf("entries %v, %v", before, err)
		}
		for _, q := range []string{
			`UPDATE audit_entries SET actor = 'someone else'`,
			`DELETE FROM audit_entries`,
		} {
			err := sqldb.ExecForTest(context.Background(), db, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the trigger's refusal", q, err)
			}
		}
		if db.Dialect() == sqldb.Postgres {
			if err := sqldb.ExecForTest(context.Background(), db, `TRUNCATE audit_entries`); err == nil {
				t.Error("TRUNCATE audit_entries: no error")
			}
		}
		after, _ := sqldb.NewAuditService(db).FindAuditEntries(ctx, "", "", 0)
		if len(after) != len(before) || after[0].Actor != before[0].Actor {
			t.Errorf("the trail changed: %+v → %+v", before, after)
		}
	})
}
