package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"attain/app"
	"attain/kpi"
	"attain/web/svg"
)

// The pages are html/template files and a stylesheet and script of our
// own, embedded in the binary, parsed once when the program starts (a
// broken template stops it at once).
var (
	//go:embed templates
	templateFS embed.FS
	//go:embed static
	staticFS embed.FS

	pages  = parsePages()
	assets = loadAssets()
)

// parsePages parses each page template (templates/*.html but the layout
// and the partials) together with the layout and the partials.
func parsePages() map[string]*template.Template {
	shared := []string{"templates/layout.html", "templates/partials.html"}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, append(shared, f)...))
	}
	return out
}

// asset is a static file served under a URL with its content's hash, so it
// can be cached for good.
type asset struct {
	body  []byte
	ctype string
	url   string
}

func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		out[name] = &asset{body: body, ctype: mime.TypeByExtension(ext), url: "/static/" + hashed}
		out[hashed] = out[name]
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

// assetURLs are the URLs of the static files ending in ext (".css",
// ".js"): app's first, then the others by name, so each area of the app
// keeps its styles and script in a file of its own.
func assetURLs(ext string) []string {
	names := []string{}
	for name, a := range assets {
		if path.Ext(name) == ext && a.url != "/static/"+name { // the plain name, not the hashed one
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "app"+ext) != (b == "app"+ext) {
			if a == "app"+ext {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	urls := make([]string, len(names))
	for i, n := range names {
		urls[i] = assets[n].url
	}
	return urls
}

// static serves /static/NAME.HASH.EXT, cached for a year.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	a := assets[r.PathValue("file")]
	if a == nil || a.url != r.URL.Path {
		return kpi.Errorf(kpi.ENOTFOUND, "No such file.")
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(a.body)
	return err
}

// view is what every page template gets: the page's own data in Data, and
// what the layout shows around it.
type view struct {
	Title   string
	Section string // the navigation entry to highlight
	Me      *app.Me
	F       *Formatter
	Picker  *picker // nil on pages without a period
	// Computed is when the numbers were computed; Versions what the live
	// refresh compares against.
	Computed time.Time
	Versions string
	CSRF     string
	Data     any
	Bare     bool // no navigation (TV mode)
	Refresh  int  // seconds between reloads (TV mode); 0: none
}

// render writes page name with v; an error before anything is written goes
// back to the caller, which shows the error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, v *view) error {
	t := pages[name]
	if t == nil {
		return fmt.Errorf("no page %q", name)
	}
	v.CSRF = csrf(r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := buf.WriteTo(w)
	return err
}

// funcs are the template functions: formatting through the view's
// Formatter and a few helpers to lay numbers out.
var funcs = template.FuncMap{
	"assets": assetURLs,
	"asset": func(name string) string {
		if a := assets[name]; a != nil {
			return a.url
		}
		return "/static/" + name
	},
	"float": func(d decimal.Decimal) float64 { return d.InexactFloat64() },
	"dec":   func(d *decimal.Decimal) decimal.Decimal { return *d },
	"add":   func(a, b int) int { return a + b },
	"query": func(base string, kv ...string) template.URL {
		return template.URL(base + "?" + pairs(kv...))
	},
	"lower": strings.ToLower,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"bars": svg.Bars,
	"title": func(s string) string {
		s = strings.ReplaceAll(s, "_", " ")
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// pairs writes key=value pairs as a query string.
func pairs(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(template.URLQueryEscaper(kv[i]) + "=" + template.URLQueryEscaper(kv[i+1]))
	}
	return b.String()
}
