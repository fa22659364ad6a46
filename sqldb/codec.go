package sqldb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"attain/kpi"
)

// Record values are stored as one JSON array in the dataset's column order:
// null, "string" for string columns, or the integer N for every other type.
// The encoding is canonical, so two encodings are equal exactly when the
// values are, and an upsert can compare them as text.

// appendVals appends the encoding of vals to buf.
func appendVals(buf []byte, cols []kpi.Column, vals []kpi.Value) []byte {
	buf = append(buf, '[')
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch {
		case v.Null:
			buf = append(buf, "null"...)
		case cols[i].Type == kpi.String:
			buf = appendJSONString(buf, v.S)
		default:
			buf = strconv.AppendInt(buf, v.N, 10)
		}
	}
	return append(buf, ']')
}

const hexDigits = "0123456789abcdef"

func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, s[start:i]...)
				buf = append(buf, `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		buf = append(buf, s[start:i]...)
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		default:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// decodeVals reads an encoding back into n values, reusing dst. Values
// missing at the end (a column added since) read as null.
func decodeVals(s string, n int, dst []kpi.Value) ([]kpi.Value, error) {
	dst = dst[:0]
	bad := func() ([]kpi.Value, error) { return nil, fmt.Errorf("decode values: malformed %.40q", s) }
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return bad()
	}
	i, end := 1, len(s)-1
	for i < end {
		switch c := s[i]; {
		case c == 'n':
			if end-i < 4 || s[i:i+4] != "null" {
				return bad()
			}
			dst = append(dst, kpi.Value{Null: true})
			i += 4
		case c == '"':
			j, escaped := i+1, false
			for j < end && s[j] != '"' {
				if s[j] == '\\' {
					escaped = true
					j++
				}
				j++
			}
			if j >= end {
				return bad()
			}
			str := s[i+1 : j]
			if escaped {
				if err := json.Unmarshal([]byte(s[i:j+1]), &str); err != nil {
					return bad()
				}
			}
			dst = append(dst, kpi.Value{S: str})
			i = j + 1
		default:
			j := i
			for j < end && s[j] != ',' {
				j++
			}
			v, err := strconv.ParseInt(s[i:j], 10, 64)
			if err != nil {
				return bad()
			}
			dst = append(dst, kpi.Value{N: v})
			i = j
		}
		if i < end {
			if s[i] != ',' {
				return bad()
			}
			i++
		}
	}
	for len(dst) < n {
		dst = append(dst, kpi.Value{Null: true})
	}
	return dst, nil
}
