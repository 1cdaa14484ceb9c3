package main

import (
	"context"
	"log/slog"
)

// lazyHandler defers slog's WithAttrs/WithGroup until a record is actually logged.
// FerretDB's SQL layer calls logger.With(query args...).DebugContext(...) around every
// statement; with slog's TextHandler, With formats and quotes every argument (whole documents)
// right away, even when debug is off: a third of FerretDB's CPU time in an insert-heavy load.
type lazyHandler struct {
	inner slog.Handler
	steps []lazyStep
}

type lazyStep struct {
	group string
	attrs []slog.Attr
}

func newLazyHandler(inner slog.Handler) *lazyHandler { return &lazyHandler{inner: inner} }

func (h *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *lazyHandler) Handle(ctx context.Context, record slog.Record) error {
	inner := h.inner
	for _, step := range h.steps {
		if step.group != "" {
			inner = inner.WithGroup(step.group)
		} else {
			inner = inner.WithAttrs(step.attrs)
		}
	}
	return inner.Handle(ctx, record)
}

func (h *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.with(lazyStep{attrs: attrs})
}

func (h *lazyHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.with(lazyStep{group: name})
}

func (h *lazyHandler) with(step lazyStep) *lazyHandler {
	steps := make([]lazyStep, len(h.steps), len(h.steps)+1)
	copy(steps, h.steps)
	return &lazyHandler{inner: h.inner, steps: append(steps, step)}
}
