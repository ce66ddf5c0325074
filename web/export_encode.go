package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/models"
)

// exportMeta heads a JSON export and says what it holds.
type exportMeta struct {
	Export       string                     `json:"export"` // conversation | contact | search
	ExportedAt   string                     `json:"exportedAt"`
	Conversation *models.ConversationHeader `json:"-"`
	Contact      string                     `json:"contact,omitempty"`
	Query        string                     `json:"query,omitempty"`
	Filters      string                     `json:"filters,omitempty"`
}

// exportEncoder writes messages as they are read.
type exportEncoder interface {
	contentType() string
	begin(w *bufio.Writer) error
	write(w *bufio.Writer, batch []models.MessageHit) error
	end(w *bufio.Writer) error
}

func newExportEncoder(format string, meta exportMeta) exportEncoder {
	if format == "json" {
		return &jsonExport{meta: meta}
	}
	return &csvExport{}
}

// csvColumns are the CSV export's columns; media are references, never URLs.
var csvColumns = []string{"conversation_id", "app_id", "app_name", "channel", "business_number", "contact_number",
	"message_id", "direction", "type", "status", "sent_at", "text", "subject", "media"}

type csvExport struct{ cw *csv.Writer }

func (e *csvExport) contentType() string { return "text/csv; charset=utf-8" }

func (e *csvExport) begin(w *bufio.Writer) error {
	e.cw = csv.NewWriter(w)
	return e.cw.Write(csvColumns)
}

func (e *csvExport) write(_ *bufio.Writer, batch []models.MessageHit) error {
	for _, h := range batch {
		row := []string{strconv.FormatInt(h.ConversationID, 10), h.AppID, h.AppName, h.Channel, h.BusinessNumber,
			h.ContactNumber, h.ChirpMessageID, h.Direction, h.Type, h.Status, h.SentAt.UTC().Format(time.RFC3339Nano),
			h.Text, h.Subject, csvMedia(h.Media)}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := e.cw.Write(row); err != nil {
			return err
		}
	}
	e.cw.Flush()
	return e.cw.Error()
}

func (e *csvExport) end(*bufio.Writer) error {
	e.cw.Flush()
	return e.cw.Error()
}

// csvSafe neutralises a cell a spreadsheet would run as a formula.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// csvMedia is one cell listing a message's media: "med_… image available 2026-06-08; …".
func csvMedia(ms []models.MediaRef) string {
	var items []string
	for _, m := range ms {
		id := m.MediaID
		if id == "" {
			id = "(no mediaId)"
		}
		item := id + " " + m.Kind + " " + m.State
		if m.ExpiresAt != nil {
			item += " expires " + m.ExpiresAt.UTC().Format(time.RFC3339)
		}
		items = append(items, item)
	}
	return strings.Join(items, "; ")
}

// jsonMessage is one message of a JSON export.
type jsonMessage struct {
	MessageID      string      `json:"messageId"`
	ConversationID int64       `json:"conversationId"`
	AppID          string      `json:"appId"`
	AppName        string      `json:"appName"`
	Channel        string      `json:"channel"`
	BusinessNumber string      `json:"businessNumber"`
	ContactNumber  string      `json:"contactNumber"`
	Direction      string      `json:"direction"`
	Type           string      `json:"type"`
	Status         string      `json:"status"`
	SentAt         time.Time   `json:"sentAt"`
	Text           string      `json:"text"`
	Subject        string      `json:"subject,omitempty"`
	Media          []jsonMedia `json:"media"`
}

type jsonMedia struct {
	MediaID   *string    `json:"mediaId"` // null: a legacy attachment Chirp gave no id for
	Kind      string     `json:"kind"`
	MimeType  string     `json:"mimeType,omitempty"`
	Filename  string     `json:"filename,omitempty"`
	SizeBytes int64      `json:"sizeBytes,omitempty"`
	State     string     `json:"state"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

// jsonExport writes {"export":…, "messages":[…]} one message at a time.
type jsonExport struct {
	meta  exportMeta
	count int
}

func (e *jsonExport) contentType() string { return "application/json; charset=utf-8" }

func (e *jsonExport) begin(w *bufio.Writer) error {
	head, err := json.Marshal(struct {
		exportMeta
		Conversation *jsonConversation `json:"conversation,omitempty"`
	}{e.meta, conversationJSON(e.meta.Conversation)})
	if err != nil {
		return err
	}
	_, err = w.Write(append(head[:len(head)-1], `,"messages":[`...))
	return err
}

func (e *jsonExport) write(w *bufio.Writer, batch []models.MessageHit) error {
	for _, h := range batch {
		m := jsonMessage{MessageID: h.ChirpMessageID, ConversationID: h.ConversationID, AppID: h.AppID, AppName: h.AppName,
			Channel: h.Channel, BusinessNumber: h.BusinessNumber, ContactNumber: h.ContactNumber, Direction: h.Direction,
			Type: h.Type, Status: h.Status, SentAt: h.SentAt.UTC(), Text: h.Text, Subject: h.Subject, Media: []jsonMedia{}}
		for _, md := range h.Media {
			jm := jsonMedia{Kind: md.Kind, MimeType: md.MimeType, Filename: md.Filename, SizeBytes: md.SizeBytes, State: md.State, ExpiresAt: md.ExpiresAt}
			if md.MediaID != "" {
				id := md.MediaID
				jm.MediaID = &id
			}
			m.Media = append(m.Media, jm)
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if e.count > 0 {
			if err := w.WriteByte(','); err != nil {
				return err
			}
		}
		e.count++
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

func (e *jsonExport) end(w *bufio.Writer) error {
	_, err := w.WriteString("]}\n")
	return err
}

type jsonConversation struct {
	ID             int64  `json:"id"`
	AppID          string `json:"appId"`
	AppName        string `json:"appName"`
	Channel        string `json:"channel"`
	BusinessNumber string `json:"businessNumber"`
	ContactNumber  string `json:"contactNumber"`
}

func conversationJSON(h *models.ConversationHeader) *jsonConversation {
	if h == nil {
		return nil
	}
	return &jsonConversation{ID: h.ID, AppID: h.AppID, AppName: h.AppName, Channel: h.Channel,
		BusinessNumber: h.BusinessNumber, ContactNumber: h.ContactNumber}
}
