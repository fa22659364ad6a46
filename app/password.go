package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"attain/kpi"
)

// argonParams are argon2id's costs: memory in KiB, passes, lanes. They are
// stored in each hash, so raising them later leaves old hashes readable.
type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

// passwordParams follow OWASP's recommendation for argon2id (19 MiB, two
// passes, one lane).
var passwordParams = argonParams{memory: 19 * 1024, time: 2, threads: 1}

const (
	minPassword = 10
	maxPassword = 256
	saltLen     = 16
	keyLen      = 32
)

// checkPassword says what is wrong with a new password, nil if nothing.
func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < minPassword:
		return kpi.Errorf(kpi.EINVALID, "The password is %d characters long; use at least %d.", n, minPassword)
	case len(pw) > maxPassword:
		return kpi.Errorf(kpi.EINVALID, "The password is longer than %d bytes.", maxPassword)
	}
	return nil
}

// hashPassword returns pw's argon2id hash as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH, with a random salt.
func hashPassword(pw string) (string, error) {
	return hashWith(pw, passwordParams)
}

func hashWith(pw string, p argonParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether pw has the PHC string hash, comparing in
// constant time. A hash it cannot read matches nothing.
func verifyPassword(pw, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var p argonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return false
	}
	// Refuse costs no hash of ours has, so a planted hash cannot make a
	// sign-in take all the memory.
	if p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 16 || p.threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when there is no user to check against, so that
// asking for an unknown e-mail takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("no user has this password")
	if err != nil {
		panic(err)
	}
	return h
})
