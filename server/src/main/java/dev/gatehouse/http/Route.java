package dev.gatehouse.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Objects;

/** One entry of the route table: method, path template (Javalin syntax, {@code {name}}) and handler. */
public record Route(HandlerType method, String path, Handler handler) {
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
    }

    public static Route get(String path, Handler handler) {
        return new Route(HandlerType.GET, path, handler);
    }

    public static Route post(String path, Handler handler) {
        return new Route(HandlerType.POST, path, handler);
    }

    public static Route put(String path, Handler handler) {
        return new Route(HandlerType.PUT, path, handler);
    }

    public static Route patch(String path, Handler handler) {
        return new Route(HandlerType.PATCH, path, handler);
    }

    public static Route delete(String path, Handler handler) {
        return new Route(HandlerType.DELETE, path, handler);
    }
}
