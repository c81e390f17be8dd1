package dev.herald.examples;

import java.io.PrintStream;

/**
 * Command-line entry point of {@code ./herald examples}: serves every scenario of the well-known
 * Express SSE answers on one port and prints the URL once it listens.
 *
 * <p>Usage: {@code ExamplesMain [--port N] [--host ADDRESS]}; {@code --port 0} picks a free port.
 */
public final class ExamplesMain {
  private ExamplesMain() {}

  /**
   * Parses the options, starts the examples server and blocks until the JVM is stopped; on
   * SIGTERM or Ctrl-C it closes every stream, stops and exits 0, like the hub.
   */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("herald examples: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.USAGE);
      return;
    }
    Examples examples;
    try {
      examples = Examples.start(options.host, options.port, ExampleTimings.DEFAULT);
    } catch (RuntimeException e) {
      System.err.println("herald examples: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      examples.close();
      System.out.println("Herald examples stopped");
      System.out.flush();
      Runtime.getRuntime().halt(0); // a clean stop on SIGTERM is a success, not 143
    }, "herald-shutdown"));
    PrintStream out = System.out;
    out.println("Herald examples listening on " + examples.uri());
    out.flush();
    Thread.currentThread().join();
  }

  /** Command-line options; package-private for tests. */
  static final class Options {
    static final String USAGE = String.join("\n",
        "usage: herald examples [--port N] [--host ADDRESS]",
        "  --port N         port to listen on (default 8080; 0 picks a free port)",
        "  --host ADDRESS   address to bind (default 127.0.0.1)");

    String host = "127.0.0.1";
    int port = 8080;
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        switch (arg) {
          case "-h":
          case "--help":
            o.help = true;
            break;
          case "--port":
            o.port = parsePort(value != null ? value : next(args, ++i, "--port"));
            break;
          case "--host":
            o.host = value != null ? value : next(args, ++i, "--host");
            break;
          default:
            throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
      }
      return o;
    }

    private static String next(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int parsePort(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port must be a number from 0 to 65535, got '" + value + "'");
      }
    }
  }
}
