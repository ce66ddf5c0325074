package web

import "github.com/gofiber/fiber/v2"

// routes is the one route table: every URL Aviary answers, grouped by who may use it.
func (s *Server) routes(app *fiber.App) {
	app.Use(s.observe, s.secureHeaders)

	// Operations and assets: no session.
	app.Get("/healthz", s.showHealth)
	app.Get("/readyz", s.showReadiness)
	app.Get("/metrics", s.showMetrics)
	app.Get("/static/*", s.serveStatic)

	// Chirp webhooks: authenticated by the app's X-Webhook-Secret, no session or CSRF.
	app.Post("/webhooks/chirp/:appID", s.receiveWebhook)

	// Groups below have a session and CSRF protection on unsafe methods.
	public := s.group(app)
	signedIn := s.group(app, s.requireRole(roleViewer)) // viewer: conversations, threads, gallery, media
	support := s.group(app, s.requireRole(roleSupport)) // support: plus search and export
	admin := s.group(app, s.requireRole(roleAdmin))     // admin: plus retention, apps, users, audit

	public.get("/login", s.showLogin)
	public.post("/login", s.signIn)
	public.post("/logout", s.signOut)

	signedIn.get("/", s.showConversations)
	signedIn.get("/conversations/:id", s.showConversation)
	signedIn.get("/gallery", s.showGallery)
	signedIn.get("/media/:mediaID", s.openMedia)

	support.get("/search", s.showSearch)
	support.get("/search/export.:format", s.exportSearch)
	support.get("/contacts/:number", s.showContact)
	support.get("/contacts/:number/export.:format", s.exportContact)
	support.get("/conversations/:id/export.:format", s.exportConversation)
	support.get("/conversations/:id/transcript", s.showTranscript)

	admin.get("/settings/retention", s.showRetentionForm)
	admin.post("/settings/retention", s.updateRetention)
	admin.get("/settings/apps", s.showApps)
	admin.post("/settings/apps", s.createApp)
	admin.get("/settings/apps/:appID", s.showEditApp)
	admin.post("/settings/apps/:appID", s.updateApp)
	admin.post("/settings/apps/:appID/rotate", s.rotateAppSecret)
	admin.post("/settings/apps/:appID/delete", s.deleteApp)
	admin.get("/settings/users", s.showUsers)
	admin.post("/settings/users", s.createUser)
	admin.post("/settings/users/:id/role", s.changeUserRole)
	admin.post("/settings/users/:id/disable", s.disableUser)
	admin.post("/settings/users/:id/enable", s.enableUser)
	admin.post("/settings/users/:id/password", s.resetUserPassword)
	admin.post("/settings/users/:id/signout", s.signOutUser)
	admin.post("/settings/account/signout-everywhere", s.signOutEverywhere)
	admin.get("/audit", s.showAudit)
	admin.get("/audit.csv", s.exportAudit)

	// Anything else: a 404 page (with the session, so the header still shows who is in).
	public.any(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// routeGroup registers routes with the same middleware in front of each handler. Fiber's
// own groups share middleware across every later route, so the chain is set per route.
type routeGroup struct {
	app *fiber.App
	mw  []fiber.Handler
}

func (s *Server) group(app *fiber.App, mw ...fiber.Handler) routeGroup {
	return routeGroup{app: app, mw: append([]fiber.Handler{s.loadSession, s.checkCSRF}, mw...)}
}

func (g routeGroup) chain(h fiber.Handler) []fiber.Handler {
	return append(append(make([]fiber.Handler, 0, len(g.mw)+1), g.mw...), h)
}

func (g routeGroup) get(path string, h fiber.Handler)  { g.app.Get(path, g.chain(h)...) }
func (g routeGroup) post(path string, h fiber.Handler) { g.app.Post(path, g.chain(h)...) }
func (g routeGroup) any(h fiber.Handler) {
	args := make([]any, 0, len(g.mw)+1)
	for _, m := range g.chain(h) {
		args = append(args, m)
	}
	g.app.Use(args...)
}
