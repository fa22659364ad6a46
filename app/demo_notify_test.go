package app_test

import (
	"context"
	"strings"
	"testing"

	"attain/app"
	"attain/app/apptest"
	"attain/kpi"
)

// TestDemoNotifications: every demo person who signs in has notifications
// in their inbox; the sales manager's statement of last month is
// approved, with the payout of their statement.
func TestDemoNotifications(t *testing.T) {
	w := apptest.Demo(t)
	ctx := context.Background()
	u := w.Report.Users
	for _, email := range []string{u.Admin, u.Finance, u.Head, u.Lead, u.Member} {
		user, err := w.App.User(ctx, w.Report.Actor, email)
		if err != nil {
			t.Fatal(err)
		}
		who := kpi.Actor{WorkspaceID: w.Report.Workspace.ID, Name: "user:" + email, UserID: user.ID, EmployeeID: user.EmployeeID, Role: user.Role}
		in, err := w.App.Inbox(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, n := range in.Notifications {
			kinds[n.Kind]++
		}
		t.Logf("%s: %d unread %v", email, in.Unread, kinds)
		if len(in.Notifications) < 1 {
			t.Errorf("%s has an empty inbox", email)
		}
		if email == u.Member {
			var approved *kpi.Notification
			for _, n := range in.Notifications {
				if n.Kind == app.EventStatementApproved {
					approved = n
				}
			}
			if approved == nil {
				t.Fatalf("the member has no approved statement")
			}
			st, err := w.App.Statement(ctx, w.Report.Actor, app.StatementRef{Employee: user.EmployeeID, Period: approved.Link[strings.Index(approved.Link, "period=")+7:]})
			if err != nil {
				t.Fatal(err)
			}
			if want := "Payout " + kpi.Grouped(st.Payout, st.Places()) + " " + st.Currency + "."; approved.Body != want {
				t.Errorf("approved: %q, want %q", approved.Body, want)
			}
		}
	}
}
