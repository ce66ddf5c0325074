package chirp_test

// Realistic webhook bodies, one per shape Chirp has documented (see
// chirp-api.md). They seed both the table tests and FuzzParseWebhook.

const presigned = "https://media.buildwithchirp.com/org_2bX9kVn3cQ8mPzR1tYw6LsHa0Ue/app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf/med_2bXA1cF5gT9oRbT3vAy6NuKc2Wg.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240115%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240115T103000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=3f1c0a9e8b7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f5e4d3c"

// (a) WhatsApp, flat fields.
const waFlat = `{"event":"messages.whatsapp.received","timestamp":"2024-01-15T10:30:00.000Z",
 "data":{"message":{"id":"msg_wa_2bXA1cF5gT9oRbT3vAy6NuKc2Wg","direction":"inbound","from":"+15551234567",
   "to":"+15559876543","type":"image","text":null,
   "mediaUrl":"` + presigned + `",
   "mediaId":"med_2bXA1cF5gT9oRbT3vAy6NuKc2Wg","receivedAt":"2024-01-15T10:30:00.000Z"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (b) WhatsApp, nested in a field named after the type, with the extra fields.
const waNestedAudio = `{"event":"messages.whatsapp.received","timestamp":"2024-03-02T08:15:30.250Z",
 "data":{"message":{"id":"msg_wa_test_2cQ7pLm0xV4eTr8yHs1KdNf6JaB","direction":"inbound",
   "from":"+447700900123","to":"+447700900999","type":"audio","text":null,
   "occurredAt":"2024-03-02T08:15:29Z","source":"whatsapp","isHistoricalImport":false,
   "conversationWindow":{"isOpen":true,"expiresAt":"2024-03-03T08:15:29Z"},
   "audio":{"id":"med_test_2cQ7pMn1yW5fUs9zIt2LeOg7KbC","url":"` + presigned + `",
     "mimeType":"audio/ogg; codecs=opus","fileSize":18234,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
     "isVoiceNote":true}},
  "app":{"id":"app_test_2cQ7oKl9wU3dSq7xGr0JcMe5IzA","name":"Support UK"}}}`

// (b) WhatsApp, nested in data.message.media, a document with caption.
const waNestedDocument = `{"event":"messages.whatsapp.received","timestamp":"2024-03-02T09:00:00Z",
 "data":{"message":{"id":"msg_wa_2cQ8aBc1dE2fG3hI4jK5lM6nO7p","direction":"inbound",
   "from":"+15551230001","to":"+15559876543","type":"document",
   "occurredAt":"2024-03-02T08:59:58.123Z",
   "media":{"id":"med_2cQ8aBc1dE2fG3hI4jK5lM6nO7q","url":"` + presigned + `",
     "mimeType":"application/pdf","fileSize":"48213","filename":"invoice-1042.pdf",
     "caption":"Here is the invoice you asked for"}},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf","name":"Billing"}}}`

// (b) WhatsApp, several attachments as an array in media.
const waNestedArray = `{"event":"messages.whatsapp.received","timestamp":"2024-03-02T09:05:00Z",
 "data":{"message":{"id":"msg_wa_2cQ9xYz","direction":"inbound","from":"+15551230001",
   "to":"+15559876543","type":"image",
   "media":[{"id":"med_2cQ9one","url":"` + presigned + `","mimeType":"image/jpeg","fileSize":245678,"caption":"front"},
            {"id":"med_2cQ9two","url":"` + presigned + `","mimeType":"image/jpeg","fileSize":198765,"caption":"back"}]},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (b) WhatsApp text message, text given the way Meta writes it.
const waText = `{"event":"messages.whatsapp.received","timestamp":"2024-03-02T09:06:00Z",
 "data":{"message":{"id":"msg_wa_2cQ9txt","direction":"inbound","from":"+15551230001",
   "to":"+15559876543","type":"text","text":{"body":"Is the shop open on Sunday?"}},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (b) WhatsApp sticker, outbound ("sent" carrying a whole message).
const waStickerSent = `{"event":"messages.whatsapp.sent","timestamp":"2024-03-02T09:07:00Z",
 "data":{"message":{"id":"msg_wa_2cQ9stk","direction":"outbound","from":"+15559876543",
   "to":"+15551230001","type":"sticker","status":"sent","sentAt":"2024-03-02T09:06:59Z",
   "sticker":{"id":"med_2cQ9stk","url":"` + presigned + `","mimeType":"image/webp","fileSize":30112}},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (c) SMS/MMS new style, one attachment.
const smsNewMMS = `{"event":"messages.sms.received","timestamp":"2024-02-10T16:45:12.000Z",
 "data":{"message":{"id":"msg_sms_2bZq3Rt6uY9iOp2aSd5fGh8jKl1","direction":"inbound",
   "from":"+15551112222","to":"+15553334444","type":"mms","text":"Photo of the damage",
   "mediaUrl":"` + presigned + `","mediaId":"med_2bZq3Rt6uY9iOp2aSd5fGh8jKl2",
   "receivedAt":"2024-02-10T16:45:11.000Z"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf","name":"Claims"}}}`

// (c) SMS new style, plain text: media fields are null.
const smsNewText = `{"event":"messages.sms.received","timestamp":"2024-02-10T16:46:00Z",
 "data":{"message":{"id":"msg_sms_2bZq4","direction":"inbound","from":"+15551112222",
   "to":"+15553334444","type":"sms","text":"Thanks!","mediaUrl":null,"mediaId":null,
   "receivedAt":"2024-02-10T16:46:00Z"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf","name":"Claims"}}}`

// (c) MMS new style with several attachments as arrays in the singular fields.
const smsNewArrays = `{"event":"messages.sms.received","timestamp":"2024-02-10T16:47:00Z",
 "data":{"message":{"id":"msg_sms_2bZq5","direction":"inbound","from":"+15551112222",
   "to":"+15553334444","type":"MMS","text":"two photos and a clip",
   "mediaUrl":["https://media.buildwithchirp.com/o/a/med_a1.jpg?X-Amz-Date=20240210T164700Z&X-Amz-Expires=3600",
               "https://media.buildwithchirp.com/o/a/med_a2.png?X-Amz-Date=20240210T164700Z&X-Amz-Expires=3600",
               "https://media.buildwithchirp.com/o/a/med_a3.mp4?X-Amz-Date=20240210T164700Z&X-Amz-Expires=3600"],
   "mediaId":["med_a1","med_a2","med_a3"]},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (c) variant with plural mediaIds/mediaUrls.
const smsNewPlural = `{"event":"messages.sms.received","timestamp":"2024-02-10T16:48:00Z",
 "data":{"message":{"id":"msg_sms_2bZq6","direction":"inbound","from":"+15551112222",
   "to":"+15553334444","type":"mms","text":null,
   "mediaUrls":["https://media.buildwithchirp.com/o/a/med_b1.gif?X-Amz-Expires=3600"],
   "mediaIds":["med_b1"]},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// (d) SMS/MMS old style.
const smsOld = `{"event":"MESSAGE_CREATED","data":{"id":"3f2b8c1e-9d4a-4e6b-8f7c-2a1d0e9b8c7a",
 "from":"+15556667777","to":"+15553334444","text":"See attached","subject":"Receipt",
 "mediaUrls":["https://media.buildwithchirp.com/legacy/3f2b8c1e/receipt.pdf?X-Amz-Expires=3600",
              "https://media.buildwithchirp.com/legacy/3f2b8c1e/attachment?X-Amz-Expires=3600"],
 "type":"MMS","direction":"INBOUND","status":"RECEIVED","createdAt":"2023-06-01T12:00:00Z"}}`

// Status events, new style.
const statusDelivered = `{"event":"messages.sms.delivered","timestamp":"2024-02-10T16:50:00.000Z",
 "data":{"message":{"id":"msg_sms_2bZq7","status":"delivered","deliveredAt":"2024-02-10T16:49:58.500Z"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

const statusRead = `{"event":"messages.whatsapp.read","timestamp":"2024-02-10T16:55:00Z",
 "data":{"message":{"id":"msg_wa_2bZq8","status":"read","readAt":"2024-02-10T16:54:59Z"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

const statusSent = `{"event":"messages.whatsapp.sent","timestamp":"2024-02-10T16:51:00Z",
 "data":{"message":{"id":"msg_wa_2bZq9","status":"sent"},"app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

const statusFailed = `{"event":"messages.whatsapp.failed","timestamp":"2024-02-10T16:52:00Z",
 "data":{"message":{"id":"msg_wa_2bZqA","status":"failed","failedAt":"2024-02-10T16:51:59Z"},
  "error":{"type":"provider_error","code":"recipient_unreachable","message":"The recipient is not on WhatsApp"},
  "app":{"id":"app_2bX9kWq4dR7nQaS2uZx5MtJb1Vf"}}}`

// Status events, old style.
const oldSent = `{"event":"MESSAGE_SENT","data":{"id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","status":"SENT","updatedAt":"2023-06-01T12:01:00Z"}}`

const oldDelivered = `{"event":"MESSAGE_DELIVERED","data":{"id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","status":"DELIVERED","updatedAt":"2023-06-01T12:02:00Z"}}`

// Events Aviary acknowledges and ignores.
const ignoredTemplate = `{"event":"templates.status.updated","timestamp":"2024-02-10T16:52:00Z","data":{"template":{"id":"tpl_1","status":"APPROVED"}}}`

const ignoredNumber = `{"event":"phone_numbers.ported","data":{}}`
