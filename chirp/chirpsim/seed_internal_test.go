package chirpsim

import (
	"reflect"
	"testing"
	"time"
)

func TestPlanHistoryDefaults(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	opts := SeedOptions{SMSApp: App{ID: "app_sms"}, WhatsAppApp: App{ID: "app_wa"}}.withDefaults()
	convs := planHistory(opts, now, DefaultRetentionDays)
	st := seedStatsOf(convs, now, DefaultRetentionDays)
	t.Logf("%+v", st)
	if st.Conversations != 28 || st.Messages != 440 || st.Media != 170 {
		t.Errorf("counts: %+v", st)
	}
	for _, kind := range ContentKinds() {
		if st.MediaByKind[kind] < 5 {
			t.Errorf("only %d %s media: %v", st.MediaByKind[kind], kind, st.MediaByKind)
		}
	}
	for _, shape := range Shapes() {
		if st.Shapes[shape.String()] == 0 {
			t.Errorf("no %s payloads: %v", shape, st.Shapes)
		}
	}
	if st.LegacyMedia != 5 {
		t.Errorf("LegacyMedia = %d, want 5", st.LegacyMedia)
	}
	if frac := float64(st.PastRetention) / float64(st.Media); frac < 0.12 || frac > 0.18 {
		t.Errorf("%d of %d media past retention (%.0f%%), want about 15%%", st.PastRetention, st.Media, 100*frac)
	}
	statuses := map[string]int{}
	contacts := map[string]bool{}
	for _, c := range convs {
		contacts[c.channel+c.contact] = true
		for i, msg := range c.msgs {
			statuses[msg.status]++
			if i > 0 && msg.at.Before(c.msgs[i-1].at) {
				t.Errorf("messages out of order in a conversation")
			}
			if age := now.Sub(msg.at); age < 0 || age > 120*24*time.Hour {
				t.Errorf("message %s is %v old", msg.id, age)
			}
		}
	}
	if len(contacts) != len(convs) {
		t.Errorf("%d distinct channel+contact pairs for %d conversations", len(contacts), len(convs))
	}
	for _, s := range []string{"delivered", "read", "failed"} {
		if statuses[s] == 0 {
			t.Errorf("no %s status: %v", s, statuses)
		}
	}

	if again := planHistory(opts, now, DefaultRetentionDays); !reflect.DeepEqual(convs, again) {
		t.Errorf("the same seed planned a different history")
	}
	opts.Seed = 2
	if other := planHistory(opts, now, DefaultRetentionDays); reflect.DeepEqual(convs, other) {
		t.Errorf("another seed planned the same history")
	}
}

func TestPlanHistoryAcrossSeeds(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for seed := int64(1); seed <= 20; seed++ {
		opts := SeedOptions{Seed: seed, SMSApp: App{ID: "app_sms"}, WhatsAppApp: App{ID: "app_wa"}}.withDefaults()
		st := seedStatsOf(planHistory(opts, now, DefaultRetentionDays), now, DefaultRetentionDays)
		if frac := float64(st.PastRetention) / float64(st.Media); frac < 0.12 || frac > 0.18 {
			t.Errorf("seed %d: %.0f%% of media past retention, want about 15%%", seed, 100*frac)
		}
		if len(st.MediaByKind) != len(ContentKinds()) || len(st.Shapes) != len(Shapes()) || st.LegacyMedia != 5 {
			t.Errorf("seed %d: kinds %v, shapes %v, %d legacy", seed, st.MediaByKind, st.Shapes, st.LegacyMedia)
		}
	}
}
