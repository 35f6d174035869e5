package chanstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNoSecretKey means a channel secret was to be stored or read without
// PEYK_SECRET_KEY set. It is a kind of ErrInvalid.
var ErrNoSecretKey = fmt.Errorf("chanstore: PEYK_SECRET_KEY is not set: channel secrets cannot be stored or read: %w", ErrInvalid)

// sealer encrypts channel secrets with AES-256-GCM under a key derived
// from the configured secret (SHA-256 of PEYK_SECRET_KEY).
type sealer struct{ aead cipher.AEAD }

func newSealer(secret string) *sealer {
	if secret == "" {
		return nil
	}
	key := sha256.Sum256([]byte("peyk channel secrets\x00" + secret))
	block, _ := aes.NewCipher(key[:])
	aead, _ := cipher.NewGCM(block)
	return &sealer{aead: aead}
}

func (s *sealer) seal(v any) ([]byte, error) {
	if s == nil {
		return nil, ErrNoSecretKey
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("chanstore: channel secrets: %v: %w", err, ErrInvalid)
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, nil), nil
}

func (s *sealer) open(sealed []byte, into any) error {
	if len(sealed) == 0 {
		return nil
	}
	if s == nil {
		return ErrNoSecretKey
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return errors.New("chanstore: channel secrets are corrupt")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return errors.New("chanstore: channel secrets do not open with this PEYK_SECRET_KEY")
	}
	return json.Unmarshal(plain, into)
}

// SetSecrets encrypts a channel's secrets (passwords, tokens) and stores
// them. They never leave the server in clear: Channel does not return them.
func (s *Store) SetSecrets(ctx context.Context, channelID int64, secrets any) error {
	sealed, err := s.sealer.seal(secrets)
	if err != nil {
		return err
	}
	ct, err := s.pool.Exec(ctx, `UPDATE channels SET secrets = $2, updated_at = now() WHERE id = $1`, channelID, sealed)
	if err != nil {
		return fmt.Errorf("chanstore: store secrets of channel %d: %w", channelID, err)
	}
	if ct.RowsAffected() == 0 {
		return fmt.Errorf("chanstore: channel %d: %w", channelID, ErrNotFound)
	}
	return nil
}

// Secrets decrypts a channel's secrets into v (a pointer to the adapter's
// secrets struct). A channel without secrets leaves v as it is.
func (s *Store) Secrets(ctx context.Context, channelID int64, v any) error {
	var sealed []byte
	if err := s.pool.QueryRow(ctx, `SELECT secrets FROM channels WHERE id = $1`, channelID).Scan(&sealed); err != nil {
		return fmt.Errorf("chanstore: secrets of channel %d: %w", channelID, err)
	}
	if err := s.sealer.open(sealed, v); err != nil {
		return fmt.Errorf("channel %d: %w", channelID, err)
	}
	return nil
}
