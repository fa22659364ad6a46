package sqldb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"attain/kpi"
	"attain/kpitest"
	"attain/sqldb"
)

// mustWorkspace creates a workspace and returns a context scoped to it.
func mustWorkspace(t testing.TB, db *sqldb.DB, slug string) context.Context {
	t.Helper()
	w := &kpi.Workspace{Slug: slug, Name: slug, TimeZone: "Europe/Berlin"}
	if err := sqldb.NewWorkspaceService(db).CreateWorkspace(context.Background(), w); err != nil {
		t.Fatalf("create workspace %s: %v", slug, err)
	}
	return kpi.NewContextWithActor(kpi.NewContextWithWorkspace(context.Background(), w.ID), "tester")
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := kpi.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// TestOpen_Private: the SQLite database, its WAL and its shared-memory
// file are created readable and writable by their owner only, whatever
// the umask lets through.
func TestOpen_Private(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "attain.db")
	db, err := sqldb.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustWorkspace(t, db, "acme") // a write: the WAL and SHM files are there
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %v, want -rw-------", filepath.Base(name), mode)
		}
	}
}

// TestOpen_PageSize: a new SQLite store gets 16 KiB pages and WAL; a store
// made with other pages keeps them and opens as before.
func TestOpen_PageSize(t *testing.T) {
	ctx := context.Background()
	pragma := func(t *testing.T, path, name string) string {
		t.Helper()
		c, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var v string
		if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	open := func(t *testing.T, path string) {
		t.Helper()
		db, err := sqldb.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		mustWorkspace(t, db, "acme")
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		before func(t *testing.T, path string)
		want   string
	}{
		{"new", func(*testing.T, string) {}, "16384"},
		{"empty file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "16384"},
		{"older store", func(t *testing.T, path string) {
			c, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.ExecContext(ctx, "CREATE TABLE before (x)"); err != nil {
				t.Fatal(err)
			}
		}, "4096"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "attain.db")
			tc.before(t, path)
			open(t, path)
			if got := pragma(t, path, "page_size"); got != tc.want {
				t.Errorf("page_size = %s, want %s", got, tc.want)
			}
			if got := pragma(t, path, "journal_mode"); got != "wal" {
				t.Errorf("journal_mode = %s, want wal", got)
			}
		})
	}
}

func TestOpen_Migrations(t *testing.T) {
	t.Run("SQLiteFileReopen", func(t *testing.T) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "attain.db")
		db, err := sqldb.Open(ctx, "sqlite:"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) == 0 {
			t.Fatal("no migrations")
		}
		for _, m := range first {
			if !m.Applied || m.AppliedAt.IsZero() {
				t.Errorf("migration %s not applied: %+v", m.Name, m)
			}
		}
		ctx2 := mustWorkspace(t, db, "acme")
		db.Close()

		db, err = sqldb.Open(ctx, path, nil)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer db.Close()
		again, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(again), len(first); got != want {
			t.Fatalf("migrations after reopen = %d, want %d", got, want)
		}
		for i := range again {
			if got, want := again[i], first[i]; !got.AppliedAt.Equal(want.AppliedAt) || got.Name != want.Name {
				t.Errorf("migration after reopen = %+v, want %+v", got, want)
			}
		}
		// The data survived.
		if _, err := sqldb.NewRecordService(db).Versions(ctx2); err != nil {
			t.Errorf("versions after reopen: %v", err)
		}
	})
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ms, err := db.Migrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ms[0].Name, "001_init"; got != want || !ms[0].Applied {
			t.Errorf("first migration = %+v, want %s applied", ms[0], want)
		}
	})
}

func TestWorkspaceService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := sqldb.NewWorkspaceService(db)
		t.Run("OK", func(t *testing.T) {
			db.Now = func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }
			defer func() { db.Now = time.Now }()
			w := &kpi.Workspace{Slug: "acme", Name: "Acme", TimeZone: "Europe/Berlin"}
			if err := s.CreateWorkspace(ctx, w); err != nil {
				t.Fatal(err)
			}
			got, err := s.FindWorkspaceBySlug(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if want := (kpi.Workspace{ID: w.ID, Slug: "acme", Name: "Acme", TimeZone: "Europe/Berlin", Locale: "en", CreatedAt: db.Now()}); *got != want {
				t.Errorf("workspace = %+v, want %+v", *got, want)
			}
			byID, err := s.FindWorkspaceByID(ctx, w.ID)
			if err != nil || byID.Slug != "acme" {
				t.Errorf("by id = %+v, %v", byID, err)
			}
			all, err := s.FindWorkspaces(ctx)
			if err != nil || len(all) != 1 {
				t.Errorf("all = %v, %v", all, err)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			wantCode(t, s.CreateWorkspace(ctx, &kpi.Workspace{Slug: "acme", Name: "Again"}), kpi.ECONFLICT)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			wantCode(t, s.CreateWorkspace(ctx, &kpi.Workspace{Slug: "Bad Slug", Name: "x"}), kpi.EINVALID)
			wantCode(t, s.CreateWorkspace(ctx, &kpi.Workspace{Slug: "tz", Name: "x", TimeZone: "Mars/Base"}), kpi.EINVALID)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.FindWorkspaceByID(ctx, 9999)
			wantCode(t, err, kpi.ENOTFOUND)
			_, err = s.FindWorkspaceBySlug(ctx, "nope")
			wantCode(t, err, kpi.ENOTFOUND)
		})
	})
}

func TestTokenService(t *testing.T) {
	kpitest.Dialects(t, func(t *testing.T, db *sqldb.DB) {
		ctx := mustWorkspace(t, db, "acme")
		s := sqldb.NewTokenService(db)
		tok := &kpi.APIToken{Name: "ci"}
		if err := s.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if len(tok.Secret) < 40 || tok.Secret[:4] != "atn_" {
			t.Fatalf("secret = %q, want atn_ + base64url", tok.Secret)
		}
		t.Run("OK", func(t *testing.T) {
			got, err := s.Authenticate(context.Background(), tok.Secret)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tok.ID || got.WorkspaceID != tok.WorkspaceID || got.Name != "ci" || got.Secret != "" {
				t.Errorf("token = %+v, want %+v without secret", got, tok)
			}
		})
		t.Run("HashStored", func(t *testing.T) {
			stored, err := sqldb.TokenColumnsForTest(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			if got := stored["ci"]; len(got) != 32 || string(got) == tok.Secret {
				t.Errorf("stored secret_hash = %x, want a 32-byte SHA-256", got)
			}
		})
		t.Run("ErrUnauthorized", func(t *testing.T) {
			for _, secret := range []string{"", "atn_wrong", tok.Secret + "x", tok.Secret[4:]} {
				_, err := s.Authenticate(context.Background(), secret)
				wantCode(t, err, kpi.EUNAUTHORIZED)
			}
		})
		t.Run("ErrNoWorkspace", func(t *testing.T) {
			wantCode(t, s.CreateAPIToken(context.Background(), &kpi.APIToken{Name: "x"}), kpi.EUNAUTHORIZED)
		})
	})
}
