package models_test

import (
	"testing"

	"github.com/aviaryhq/aviary/models/modelstest"
)

func TestMain(m *testing.M) { modelstest.Main(m) }
