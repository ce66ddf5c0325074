package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// newSealer derives the app-key encryption key from the secret key with HKDF-SHA256 and
// returns an AES-256-GCM AEAD.
func newSealer(secret []byte) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, "aviary/app-keys/v1", 32)
	if err != nil {
		return nil, fmt.Errorf("models: derive app-key key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("models: app-key cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts plaintext; the nonce is prepended. additional binds the ciphertext to its row.
func (s *Store) seal(plaintext, additional []byte) ([]byte, error) {
	if s.sealer == nil {
		return nil, fmt.Errorf("models: no secret key configured to seal app keys")
	}
	nonce := make([]byte, s.sealer.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.sealer.Seal(nonce, nonce, plaintext, additional), nil
}

// open decrypts what seal produced.
func (s *Store) open(sealed, additional []byte) ([]byte, error) {
	if s.sealer == nil {
		return nil, fmt.Errorf("models: no secret key configured to open app keys")
	}
	n := s.sealer.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("models: sealed app key too short")
	}
	out, err := s.sealer.Open(nil, sealed[:n], sealed[n:], additional)
	if err != nil {
		return nil, fmt.Errorf("models: open app key (was AVIARY_SECRET_KEY changed?): %w", err)
	}
	return out, nil
}

// hashSecret is how webhook secrets are kept: they are long random strings, so a plain
// SHA-256 is enough (no password stretching needed).
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// secretMatches compares a presented secret with a stored hash in constant time.
func secretMatches(presented, storedHash string) bool {
	h := hashSecret(presented)
	return subtle.ConstantTimeCompare([]byte(h), []byte(storedHash)) == 1
}
