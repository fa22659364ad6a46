// Package sso signs people in through an OpenID Connect provider: the
// authorization code flow with PKCE (S256), the ID token's signature,
// issuer, audience, expiry and nonce checked by coreos/go-oidc.
package sso

import (
	"context"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"attain/kpi"
)

// Config names the provider and this server as its client.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is read
	// from Issuer + /.well-known/openid-configuration.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is where the provider sends the browser back:
	// BASE/auth/oidc/callback, registered with the provider.
	RedirectURL string
	// Scopes asked for besides openid; default email and profile.
	Scopes []string
}

// Provider is one OpenID Connect provider.
type Provider struct {
	issuer   string
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New reads the provider's discovery document and keys' location.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, kpi.Errorf(kpi.EINVALID, "Single sign-on needs the issuer, the client id and the redirect URL.")
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", kpi.Errorf(kpi.EUNAVAILABLE, "Cannot read the identity provider %s.", cfg.Issuer), err)
	}
	scopes := cfg.Scopes
	if scopes == nil {
		scopes = []string{"email", "profile"}
	}
	return &Provider{
		issuer:   cfg.Issuer,
		provider: p,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, scopes...)},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}, nil
}

// AuthURL is the provider's sign-in page for this state and nonce, with
// the S256 challenge of verifier.
func (p *Provider) AuthURL(state, nonce, verifier string) string {
	return p.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// denied is what a failed exchange says; the cause is kept for the log.
func denied(err error) error {
	return fmt.Errorf("%w: %w", kpi.Errorf(kpi.EUNAUTHORIZED, "Your identity provider did not confirm the sign-in; start again."), err)
}

// Exchange trades code for tokens with the PKCE verifier, verifies the ID
// token and its nonce, and returns who it names; the e-mail comes from the
// ID token or, if it has none, from the user info endpoint.
func (p *Provider) Exchange(ctx context.Context, code, verifier, nonce string) (*kpi.Identity, error) {
	if code == "" {
		return nil, denied(fmt.Errorf("no code"))
	}
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, denied(fmt.Errorf("exchange code: %w", err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return nil, denied(fmt.Errorf("no id_token in the token response"))
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, denied(fmt.Errorf("verify id token: %w", err))
	}
	if idt.Nonce != nonce {
		return nil, denied(fmt.Errorf("id token nonce does not match"))
	}
	var claims struct {
		Email    string `json:"email"`
		Verified any    `json:"email_verified"`
		Name     string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, denied(fmt.Errorf("id token claims: %w", err))
	}
	id := &kpi.Identity{Issuer: p.issuer, Subject: idt.Subject, Email: claims.Email, EmailVerified: verified(claims.Verified), Name: claims.Name}
	if id.Email == "" {
		info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, denied(fmt.Errorf("user info: %w", err))
		}
		if info.Subject != idt.Subject {
			return nil, denied(fmt.Errorf("user info is of %q, the id token of %q", info.Subject, idt.Subject))
		}
		id.Email, id.EmailVerified = info.Email, info.EmailVerified
		if id.Name == "" {
			var more struct {
				Name string `json:"name"`
			}
			if info.Claims(&more) == nil {
				id.Name = more.Name
			}
		}
	}
	return id, nil
}

// verified reads email_verified, which some providers send as a string.
func verified(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}
