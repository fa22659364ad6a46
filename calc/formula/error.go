package formula

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/file"
)

// Error is a compile error with a 1-based position in the source.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// errorAt returns an *Error at the rune offset off of src.
func errorAt(src string, off int, format string, args ...any) *Error {
	line, col := position(src, off)
	return &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// position turns a rune offset (what expr's locations count) into a 1-based
// line and column.
func position(src string, off int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == off {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	return line, col
}

// parseError turns expr's parse error into an *Error.
func parseError(src string, err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		line, col := position(src, fe.From)
		return &Error{Line: line, Col: col, Msg: fe.Message}
	}
	return &Error{Line: 1, Col: 1, Msg: err.Error()}
}
