// Package kpi is Attain's domain: workspaces, the org tree, datasets and their
// records, KPI definitions and the values computed from them. It imports only
// the standard library; storage, the engine and the web layer depend on it.
package kpi

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses and CLI exit codes by the outer layers.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable" // the database or another service cannot be reached
	EBUSY         = "busy"        // too many requests at once: try again shortly
)

// Codes lists every error code, for the tables that map them (HTTP
// statuses, exit codes) and the API's documentation.
var Codes = []string{EINVALID, ENOTFOUND, ECONFLICT, EUNAUTHORIZED, EFORBIDDEN, EBUSY, EUNAVAILABLE, EINTERNAL}

// Error is an error a person can act on: a code and a message safe to show.
// Details carries per-item problems (one per bad line of a file, say).
type Error struct {
	Code    string
	Message string
	Details []Problem
}

// Problem locates one bad input: which file, line, column, value and why.
type Problem struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	s := ""
	if p.File != "" {
		s = p.File
	}
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	if p.Column != "" {
		if s != "" {
			s += ": "
		}
		s += "column " + p.Column
	}
	if p.Value != "" {
		s += fmt.Sprintf(" value %q", p.Value)
	}
	if s != "" {
		s += ": "
	}
	return s + p.Reason
}

func (e *Error) Error() string {
	msg := e.Message
	for i, p := range e.Details {
		if i == 20 {
			msg += fmt.Sprintf("\n  ... and %d more", len(e.Details)-20)
			break
		}
		msg += "\n  " + p.String()
	}
	return msg
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain; other
// errors are internal and never shown: "Internal error.".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorDetails returns the problems of the first *Error in err's chain.
func ErrorDetails(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
