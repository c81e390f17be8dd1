package dev.herald.server;

import java.util.concurrent.CompletionStage;

/**
 * Answers one plain HTTP request with a {@link Response} that may come later, e.g. once a write
 * elsewhere is durable, without holding a worker thread while it waits. {@link #handle} runs on a
 * server worker (never on a network event loop) and must be thread-safe; the returned stage may
 * complete on any thread, and the response is written when it does.
 *
 * <p>Throwing, or completing exceptionally, with {@link HttpException} answers with its status and
 * headers; anything else becomes a {@code 500} whose body carries no stack trace.
 */
@FunctionalInterface
public interface AsyncHandler {
  /** Starts handling {@code request}; the stage completes with the response to send. */
  CompletionStage<Response> handle(Request request) throws Exception;
}
