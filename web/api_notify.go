package web

import (
	"net/http"
	"strconv"

	"attain/kpi"
)

// notifyRoutes are the API of inboxes, webhooks and the outbox.
func (s *Server) notifyRoutes() []route {
	id := param("id", "path", "The notification's id.")
	return []route{
		{"GET", "/api/v1/inbox", false, s.getInbox, opDoc{tag: "notifications", summary: "One's own notifications, newest first, and how many are unread", resp: "Inbox"}},
		{"POST", "/api/v1/inbox/{id}/read", false, s.readNotification, opDoc{tag: "notifications", summary: "Mark one of one's notifications read", params: []paramDoc{id}, resp: "Notification"}},
		{"GET", "/api/v1/webhooks", false, s.listWebhooks, opDoc{tag: "notifications", summary: "Outgoing webhooks, without their secrets (admins)", resp: "Webhook[]"}},
		{"POST", "/api/v1/webhooks", false, s.addWebhook, opDoc{tag: "notifications", summary: "Add an outgoing webhook; its signing secret is in the answer, once (admins)", body: "WebhookRequest", resp: "Webhook", status: http.StatusCreated}},
		{"DELETE", "/api/v1/webhooks/{id}", false, s.removeWebhook, opDoc{tag: "notifications", summary: "Remove a webhook; what was still to be sent to it is dropped (admins)", params: []paramDoc{param("id", "path", "The webhook's id.")}, status: http.StatusNoContent}},
		{"GET", "/api/v1/outbox", false, s.listOutbox, opDoc{tag: "notifications", summary: "The outbox, newest first: e-mails and webhook calls, sent or waiting, with their attempts (admins)", params: []paramDoc{
			param("limit", "query", "At most this many (default 100, at most 1000)."),
		}, resp: "Delivery[]"}},
	}
}

func init() {
	notification := obj(nil, map[string]any{"id": integer, "user_id": integer, "key": str, "kind": str, "title": str, "body": str, "link": str,
		"created_at": dateTime, "read_at": dateTime})
	schemas["Notification"] = notification
	schemas["Inbox"] = obj(nil, map[string]any{"unread": integer, "notifications": map[string]any{"type": "array", "items": schemaRef("Notification")}})
	schemas["Webhook"] = obj(nil, map[string]any{"id": integer, "url": str, "created_at": dateTime, "created_by": str,
		"secret": map[string]any{"type": "string", "description": "only in the answer that creates the webhook: the key of the HMAC-SHA256 signature"}})
	schemas["WebhookRequest"] = obj([]string{"url"}, map[string]any{"url": str})
	schemas["Delivery"] = obj(nil, map[string]any{"id": integer, "key": str, "channel": map[string]any{"type": "string", "enum": []string{kpi.ChannelEmail, kpi.ChannelWebhook}},
		"target": str, "subject": str, "body": str, "status": map[string]any{"type": "string", "enum": []string{kpi.DeliveryPending, kpi.DeliverySent, kpi.DeliveryDropped}},
		"attempts": integer, "next_at": dateTime, "last_error": str, "created_at": dateTime, "sent_at": dateTime})
}

func (s *Server) getInbox(w http.ResponseWriter, r *http.Request) error {
	in, err := s.App.Inbox(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kpi.Errorf(kpi.EINVALID, "%s id %q: want a number.", what, r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Notification")
	if err != nil {
		return err
	}
	n, err := s.App.MarkRead(r.Context(), who(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	hs, err := s.App.Webhooks(r.Context(), who(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hs)
	return nil
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		URL string `json:"url"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	h, err := s.App.AddWebhook(r.Context(), who(r), req.URL)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) removeWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Webhook")
	if err != nil {
		return err
	}
	if err := s.App.RemoveWebhook(r.Context(), who(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) error {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 1000 {
			return kpi.Errorf(kpi.EINVALID, "limit %q: want 1 to 1000.", v)
		}
		limit = n
	}
	ds, err := s.App.Outbox(r.Context(), who(r), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ds)
	return nil
}
