package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"attain/app"
	"attain/kpi"
	"attain/mail"
)

func (m *Main) webhookCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "webhook", Short: "Outgoing webhooks: notifications posted as signed JSON to a chat or a program"}
	add := &cobra.Command{
		Use:   "add URL",
		Short: "Add a webhook and print its signing secret, shown this once",
		Long: `Add a webhook: awards, reps behind pace, regressions and statements ready
for approval are posted to URL as JSON ({"text": ...}, as chat tools take
it), with the headers X-Attain-Timestamp (Unix seconds) and
X-Attain-Signature ("sha256=" and the hex HMAC-SHA256, keyed with the
secret, of the timestamp, a dot and the body). Keep the secret: it is
printed once and never shown again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			w, err := m.App.AddWebhook(cmd.Context(), who, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Added webhook %d: %s\nSigning secret (shown once): %s\n", w.ID, w.URL, w.Secret)
			return nil
		},
	}
	list := m.listCommand(&cobra.Command{Use: "list", Short: "List the webhooks (without their secrets)", Args: cobra.NoArgs},
		func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
			hs, err := m.App.Webhooks(ctx, who)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "url", "created_at", "created_by"}, json: hs}
			for _, h := range hs {
				t.rows = append(t.rows, []string{strconv.FormatInt(h.ID, 10), h.URL, h.CreatedAt.Format(time.RFC3339), h.CreatedBy})
			}
			return t, nil
		})
	remove := &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a webhook; what was still to be sent to it is dropped",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return kpi.Errorf(kpi.EINVALID, "Webhook id %q: want a number.", args[0])
			}
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := m.App.RemoveWebhook(cmd.Context(), who, id); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Removed webhook %d.\n", id)
			return nil
		},
	}
	cmd.AddCommand(add, list, remove)
	return cmd
}

func (m *Main) notifyCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "notify", Short: "Notifications: deliver the outbox, raise the daily ones, send digests (what attain serve's jobs do)"}
	// mailer: the SMTP server of the environment, as serve's flags read it.
	mailer := func() error {
		cfg := mail.Config{Addr: os.Getenv("ATTAIN_SMTP_ADDR"), From: os.Getenv("ATTAIN_SMTP_FROM"),
			Username: os.Getenv("ATTAIN_SMTP_USER"), Password: os.Getenv("ATTAIN_SMTP_PASSWORD")}
		if cfg.Addr == "" {
			return nil
		}
		ml, err := mail.New(cfg)
		if err == nil {
			m.App.Auth.Mailer = ml
		}
		if u := os.Getenv("ATTAIN_BASE_URL"); u != "" {
			m.App.Auth.BaseURL = u
		}
		return err
	}
	deliver := &cobra.Command{
		Use:   "deliver",
		Short: "Send what is due in the outbox now (e-mail through ATTAIN_SMTP_ADDR, webhooks)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := mailer(); err != nil {
				return err
			}
			rep, err := m.App.DeliverNotifications(cmd.Context(), who)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Sent %d, %d to try again later, %d dropped.\n", rep.Sent, rep.Failed, rep.Dropped)
			return nil
		},
	}
	daily := &cobra.Command{
		Use:   "daily",
		Short: "Raise today's notifications: behind pace, regressions, statements to approve, digests on Mondays and the 1st",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := mailer(); err != nil {
				return err
			}
			rep, err := m.App.NotifyDaily(cmd.Context(), who)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s: %d behind pace, %d regressions, %d statements to approve, %d digests; %d new in inboxes.\n", rep.Day,
				rep.Events[app.EventBehindPace], rep.Events[app.EventRegression], rep.Events[app.EventStatementReady], rep.Events[app.EventDigest], rep.Notified)
			return nil
		},
	}
	digest := &cobra.Command{
		Use:   "digest weekly|monthly",
		Short: "Send the weekly (this month so far) or monthly (last month) digest to everyone now",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			who, _, err := m.actor(cmd.Context())
			if err != nil {
				return err
			}
			if err := mailer(); err != nil {
				return err
			}
			n, err := m.App.SendDigests(cmd.Context(), who, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%d %s digests.\n", n, args[0])
			return nil
		},
	}
	outbox := m.listCommand(&cobra.Command{Use: "outbox", Short: "List the outbox, newest first: what went out, what waits", Args: cobra.NoArgs},
		func(ctx context.Context, who kpi.Actor, _ []string) (*table, error) {
			ds, err := m.App.Outbox(ctx, who, 100)
			if err != nil {
				return nil, err
			}
			t := &table{header: []string{"id", "channel", "target", "subject", "status", "attempts", "next_at", "last_error"}, json: ds}
			for _, d := range ds {
				t.rows = append(t.rows, []string{strconv.FormatInt(d.ID, 10), d.Channel, d.Target, d.Subject, d.Status,
					strconv.Itoa(d.Attempts), d.NextAt.Format(time.RFC3339), d.LastError})
			}
			return t, nil
		})
	cmd.AddCommand(deliver, daily, digest, outbox)
	return cmd
}
