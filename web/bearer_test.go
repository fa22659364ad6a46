package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// bearerGet GETs path from srv with token, fails the test unless it is
// 200, and returns the body and its Content-Type.
func bearerGet(t *testing.T, srv *httptest.Server, token, path string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s = %d:\n%s", path, res.StatusCode, b)
	}
	return string(b), res.Header.Get("Content-Type")
}
