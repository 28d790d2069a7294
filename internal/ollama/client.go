package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrNotFound means the registry has no such model, tag or blob (HTTP 404).
var ErrNotFound = errors.New("not found (HTTP 404)")

// ErrUnauthorized means the registry wants credentials this client does
// not have: anonymous token requests were refused.
var ErrUnauthorized = errors.New("registry requires authentication (HTTP 401)")

// maxManifestSize bounds a manifest download; real ones are about 1 KB.
const maxManifestSize = 4 << 20

// Client talks to one registry with the Docker registry protocol Ollama
// uses. It is not safe for concurrent use.
type Client struct {
	// Base is the registry's base URL without a trailing slash, such as
	// "https://registry.ollama.ai" or "http://127.0.0.1:5000".
	Base string
	// HTTP sends the requests; nil means a client with connection and
	// response-header timeouts but no overall one (blobs take long).
	HTTP *http.Client
	// UserAgent is sent with every request; empty means "nanna-coder-build".
	UserAgent string

	token string // anonymous bearer token obtained after a 401
}

// NewClient returns a client for the registry at base.
func NewClient(base string) *Client {
	return &Client{Base: strings.TrimRight(base, "/")}
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		t.ResponseHeaderTimeout = time.Minute
		c.HTTP = &http.Client{Transport: t}
	}
	return c.HTTP
}

// Manifest fetches the manifest of name with the Accept header Ollama
// sends and keeps its bytes exactly. When the registry states the
// manifest's digest (Docker-Content-Digest), the bytes must match it.
func (c *Client) Manifest(ctx context.Context, name Name) (*Manifest, error) {
	u := c.Base + "/v2/" + name.Repository() + "/manifests/" + url.PathEscape(name.Tag)
	resp, err := c.get(ctx, u, map[string]string{"Accept": ManifestMediaType})
	if err != nil {
		return nil, fmt.Errorf("fetching manifest of %s from %s: %w", name, c.Base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxManifestSize+1))
	if err == nil && len(raw) > maxManifestSize {
		err = fmt.Errorf("larger than %d bytes", maxManifestSize)
	}
	if err != nil {
		return nil, fmt.Errorf("fetching manifest of %s from %s: %w", name, c.Base, err)
	}
	m, err := ParseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("fetching manifest of %s from %s: %w", name, c.Base, err)
	}
	if d := resp.Header.Get("Docker-Content-Digest"); d != "" && d != m.Digest() {
		return nil, fmt.Errorf("fetching manifest of %s from %s: the registry says its digest is %s, the bytes hash to %s", name, c.Base, d, m.Digest())
	}
	return m, nil
}

// blob requests a blob from offset on. The response is 200 with the whole
// blob or 206 with the rest; the caller closes the body.
func (c *Client) blob(ctx context.Context, name Name, digest string, offset int64) (*http.Response, error) {
	h := map[string]string{}
	if offset > 0 {
		h["Range"] = fmt.Sprintf("bytes=%d-", offset)
	}
	return c.get(ctx, c.Base+"/v2/"+name.Repository()+"/blobs/"+digest, h)
}

// get sends a GET, obtaining an anonymous token once on a 401 with a
// Bearer challenge, and turns unexpected statuses into errors.
func (c *Client) get(ctx context.Context, u string, headers map[string]string) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		ua := c.UserAgent
		if ua == "" {
			ua = "nanna-coder-build"
		}
		req.Header.Set("User-Agent", ua)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := c.httpClient().Do(req)
		if err != nil {
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusPartialContent:
			return resp, nil
		case resp.StatusCode == http.StatusUnauthorized && attempt == 0:
			challenge := resp.Header.Get("WWW-Authenticate")
			drain(resp)
			if err := c.authenticate(ctx, challenge); err != nil {
				return nil, err
			}
			continue
		}
		defer drain(resp)
		switch resp.StatusCode {
		case http.StatusNotFound:
			return nil, ErrNotFound
		case http.StatusUnauthorized:
			return nil, ErrUnauthorized
		}
		return nil, fmt.Errorf("HTTP %s%s", resp.Status, bodySnippet(resp.Body))
	}
}

// authenticate follows a Bearer challenge anonymously: GET realm with the
// service and scope, and keep the token.
func (c *Client) authenticate(ctx context.Context, challenge string) error {
	params, ok := parseBearer(challenge)
	if !ok || params["realm"] == "" {
		return ErrUnauthorized
	}
	u, err := url.Parse(params["realm"])
	if err != nil {
		return fmt.Errorf("%w: invalid realm %q", ErrUnauthorized, params["realm"])
	}
	q := u.Query()
	for _, k := range []string{"service", "scope"} {
		if params[k] != "" {
			q.Set(k, params[k])
		}
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("requesting a token: %w", err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: token request: HTTP %s", ErrUnauthorized, resp.Status)
	}
	var tok struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil {
		return fmt.Errorf("%w: token response: %v", ErrUnauthorized, err)
	}
	c.token = tok.Token
	if c.token == "" {
		c.token = tok.AccessToken
	}
	if c.token == "" {
		return fmt.Errorf("%w: empty token", ErrUnauthorized)
	}
	return nil
}

// parseBearer parses `Bearer realm="…",service="…",scope="…"`.
func parseBearer(h string) (map[string]string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.TrimSpace(key))
		var val string
		if strings.HasPrefix(after, `"`) {
			end := strings.IndexByte(after[1:], '"')
			if end < 0 {
				return nil, false
			}
			val, rest = after[1:1+end], after[2+end:]
		} else {
			val, rest, _ = strings.Cut(after, ",")
			rest = "," + rest
		}
		params[key] = val
		rest = strings.TrimLeft(rest, ", ")
	}
	return params, true
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// bodySnippet returns ": <first line of the body>" for an error message.
func bodySnippet(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 512))
	s := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	if s == "" {
		return ""
	}
	return ": " + s
}
