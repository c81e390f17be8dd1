package dev.herald.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mount serving files from a directory or from the class path. Immutable and thread-safe;
 * reads happen on worker threads. Every raw path is checked segment by segment before anything
 * touches the file system, and the resolved file must stay inside the root.
 */
abstract class StaticFiles {
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("json", "application/json; charset=utf-8"),
      Map.entry("map", "application/json; charset=utf-8"),
      Map.entry("svg", "image/svg+xml; charset=utf-8"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("xml", "application/xml; charset=utf-8"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("wasm", "application/wasm"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"));

  private final String prefix;

  StaticFiles(String prefix) {
    this.prefix = prefix;
  }

  static StaticFiles directory(String prefix, Path directory) {
    return new DirectoryFiles(prefix, directory.toAbsolutePath().normalize());
  }

  static StaticFiles classpath(String prefix, ClassLoader loader, String resourceRoot) {
    String root = resourceRoot;
    while (root.startsWith("/")) {
      root = root.substring(1);
    }
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return new ClasspathFiles(prefix, loader, root);
  }

  String prefix() {
    return prefix;
  }

  /** The raw path below the prefix (starting with '/' or empty), or {@code null} if not covered. */
  String rest(String rawPath) {
    if (prefix.equals("/")) {
      return rawPath;
    }
    if (rawPath.equals(prefix) || rawPath.startsWith(prefix + "/")) {
      return rawPath.substring(prefix.length());
    }
    return null;
  }

  /** Serves {@code rawRest}; traversal attempts throw {@link HttpException} 400, missing files 404. */
  Response serve(String rawRest) throws IOException {
    List<String> segments = safeSegments(rawRest);
    boolean directory = rawRest.isEmpty() || rawRest.endsWith("/");
    byte[] bytes = read(segments, directory);
    if (bytes == null) {
      throw new HttpException(404, "Not found: " + prefix + rawRest);
    }
    String name = directory ? "index.html" : segments.get(segments.size() - 1);
    return Response.builder()
        .body(bytes, contentType(name))
        .header("X-Content-Type-Options", "nosniff")
        .build();
  }

  /** The bytes of the file, or of the directory's {@code index.html}; {@code null} if missing. */
  abstract byte[] read(List<String> segments, boolean directory) throws IOException;

  static String contentType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /** Decoded segments, rejecting anything that could step outside the root. */
  static List<String> safeSegments(String rawRest) {
    String lower = rawRest.toLowerCase(Locale.ROOT);
    if (rawRest.indexOf('\\') >= 0 || rawRest.indexOf('\0') >= 0 || lower.contains("%5c") || lower.contains("%00")) {
      throw new HttpException(400, "Illegal characters in path");
    }
    List<String> out = new ArrayList<>();
    for (String raw : rawRest.split("/", -1)) {
      String segment;
      try {
        segment = PathCodec.decode(raw);
      } catch (IllegalArgumentException e) {
        throw new HttpException(400, "Malformed path: " + e.getMessage());
      }
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..") || segment.indexOf('/') >= 0
          || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0 || segment.indexOf(':') >= 0) {
        throw new HttpException(400, "Path traversal rejected");
      }
      out.add(segment);
    }
    return out;
  }

  /** Files below a directory on disk. */
  private static final class DirectoryFiles extends StaticFiles {
    private final Path root;

    DirectoryFiles(String prefix, Path root) {
      super(prefix);
      this.root = root;
    }

    @Override
    byte[] read(List<String> segments, boolean directory) throws IOException {
      Path target = root;
      for (String segment : segments) {
        target = target.resolve(segment);
      }
      target = target.normalize();
      if (!target.startsWith(root)) {
        return null;
      }
      if (directory || Files.isDirectory(target)) {
        target = target.resolve("index.html");
      }
      try {
        Path real = target.toRealPath();
        if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real)) {
          return null;
        }
        return Files.readAllBytes(real);
      } catch (NoSuchFileException e) {
        return null;
      }
    }
  }

  /** Resources below a class-path root. */
  private static final class ClasspathFiles extends StaticFiles {
    private final ClassLoader loader;
    private final String root;

    ClasspathFiles(String prefix, ClassLoader loader, String root) {
      super(prefix);
      this.loader = loader;
      this.root = root;
    }

    @Override
    byte[] read(List<String> segments, boolean directory) throws IOException {
      String name = root.isEmpty() ? String.join("/", segments) : root + "/" + String.join("/", segments);
      if (!directory) {
        byte[] bytes = load(name);
        if (bytes != null) {
          return bytes;
        }
      }
      String base = name.isEmpty() || name.endsWith("/") ? name : name + "/";
      return load(base + "index.html");
    }

    private byte[] load(String name) throws IOException {
      if (name.isEmpty() || name.endsWith("/")) {
        return null;
      }
      URL url = loader.getResource(name);
      if (url == null) {
        return null;
      }
      if ("file".equals(url.getProtocol())) {
        try {
          if (Files.isDirectory(Path.of(url.toURI()))) {
            return null;
          }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
          return null;
        }
      }
      URLConnection connection = url.openConnection();
      try (InputStream in = connection.getInputStream()) {
        return in.readAllBytes();
      } catch (IOException e) {
        // a directory entry inside a jar cannot be read as a file
        return null;
      }
    }
  }
}
