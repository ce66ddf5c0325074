package models

import "time"

// Roles a user can have, from least to most privileged.
const (
	RoleViewer  = "viewer"
	RoleSupport = "support"
	RoleAdmin   = "admin"
)

// Channels a conversation can be on.
const (
	ChannelSMS      = "sms"
	ChannelWhatsApp = "whatsapp"
)

// Media kinds.
const (
	KindImage    = "image"
	KindVideo    = "video"
	KindAudio    = "audio"
	KindDocument = "document"
	KindSticker  = "sticker"
)

// Organization is the single row of organization-wide settings.
type Organization struct {
	ID                 int `gorm:"primaryKey"`
	Name               string
	MediaRetentionDays int
	RetentionUpdatedBy string
	RetentionUpdatedAt *time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// TableName is the operator-facing table name.
func (Organization) TableName() string { return "organization" }

// App is a Chirp application whose webhooks Aviary receives. KeySealed is the app key
// encrypted with AES-256-GCM; it is opened only to call Chirp's Media API.
type App struct {
	ID                int64 `gorm:"primaryKey"`
	AppID             string
	Name              string
	KeySealed         []byte
	KeyPreview        string
	Mode              string
	WebhookSecretHash string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Conversation is the thread between one business number and one contact on one channel.
type Conversation struct {
	ID             int64 `gorm:"primaryKey"`
	AppID          int64
	Channel        string
	BusinessNumber string
	ContactNumber  string
	ContactDigits  string
	LastMessageAt  time.Time
	LastSnippet    string
	MessageCount   int
	MediaCount     int
	CreatedAt      time.Time
}

// Message is one SMS/MMS or WhatsApp message.
type Message struct {
	ID             int64 `gorm:"primaryKey"`
	AppID          int64
	ConversationID int64
	ChirpMessageID string
	Direction      string
	Type           string
	Text           string
	Subject        string
	Status         string
	ErrorMessage   string
	SentAt         time.Time
	DeliveredAt    *time.Time
	ReadAt         *time.Time
	FailedAt       *time.Time
	ReceivedAt     time.Time
	Media          []Media `gorm:"foreignKey:MessageID"`
}

// Media is one attachment. MediaID is Chirp's permanent id (nil for legacy payloads that
// carried none); no presigned URL is ever stored.
type Media struct {
	ID              int64 `gorm:"primaryKey"`
	MediaID         *string
	MessageID       int64
	AppID           int64
	ConversationID  int64
	Channel         string
	Position        int
	Kind            string
	MimeType        string
	SizeBytes       int64
	Filename        string
	Caption         string
	SHA256          string `gorm:"column:sha256"`
	IsVoiceNote     bool
	CreatedAt       time.Time `gorm:"autoCreateTime:false"`
	ExpiresAt       *time.Time
	ExpiryFromChirp bool
	GoneAt          *time.Time
	ExpiredAt       *time.Time
	LastError       string
	LastCheckedAt   *time.Time
}

// TableName keeps the table called "media".
func (Media) TableName() string { return "media" }

// User is a person who signs in to Aviary.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Disabled     bool
	SessionEpoch int
	LastLoginAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AuditEvent is one entry of the append-only audit log.
type AuditEvent struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorID    *int64
	ActorEmail string
	Action     string
	Target     string
	Details    string
	ClientIP   string
}
