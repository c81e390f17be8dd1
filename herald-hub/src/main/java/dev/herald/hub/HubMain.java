package dev.herald.hub;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of the hub, {@code herald serve [options]} (what {@code ./herald serve}
 * runs): reads flags, {@code HERALD_*} environment variables and an optional config file, starts
 * the hub, prints its URL and who may publish and subscribe, and on SIGTERM or Ctrl-C drains and
 * exits 0. A bad option, or a configuration the start-up rules refuse (e.g. a non-loopback host
 * without a publisher key), stops start-up with exit code 2 and a message naming the option.
 * {@code herald serve --check} only checks the configuration; {@code herald token} prints a
 * token ({@link TokenCommand}).
 */
public final class HubMain {
  static final int EXIT_USAGE = 2;
  static final int EXIT_START_FAILED = 1;

  private HubMain() {}

  /** Runs the command; returns only when start-up failed or the command was not {@code serve}. */
  public static void main(String[] args) throws InterruptedException {
    Outcome outcome = start(args, System.getenv(), System.out, System.err);
    if (outcome.hub.isEmpty()) {
      System.exit(outcome.exitCode);
      return;
    }
    Hub running = outcome.hub.get();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      System.out.println("Herald hub stopped");
      System.out.flush();
      Runtime.getRuntime().halt(0);
    }, "herald-drain"));
    Thread.currentThread().join();
  }

  /** What {@link #start} did: a running hub, or the exit code to end with. */
  static final class Outcome {
    final Optional<Hub> hub;
    final int exitCode;

    private Outcome(Optional<Hub> hub, int exitCode) {
      this.hub = hub;
      this.exitCode = exitCode;
    }

    static Outcome exit(int code) {
      return new Outcome(Optional.empty(), code);
    }
  }

  /** Parses the arguments and starts the hub, or says why not. */
  static Outcome start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(rootSpec());
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("herald: " + e.getMessage());
      e.getCommandLine().usage(err);
      return Outcome.exit(EXIT_USAGE);
    }
    if (parsed.isUsageHelpRequested() || !parsed.hasSubcommand()) {
      cli.usage(parsed.hasSubcommand() ? out : err);
      return Outcome.exit(parsed.isUsageHelpRequested() ? 0 : EXIT_USAGE);
    }
    ParseResult serve = parsed.subcommand();
    if (serve.isUsageHelpRequested()) {
      serve.commandSpec().commandLine().usage(out);
      return Outcome.exit(0);
    }
    if (serve.commandSpec().name().equals("token")) {
      return Outcome.exit(TokenCommand.run(serve, env, out, err, Clock.systemUTC()));
    }
    if (serve.hasMatchedOption("--check")) {
      return Outcome.exit(check(serve, env, out, err));
    }
    HubConfig config;
    try {
      config = Settings.resolve(configFile(serve, env), env, flags(serve),
          warning -> err.println("herald serve: warning: " + warning));
    } catch (IllegalArgumentException e) {
      err.println("herald serve: " + e.getMessage());
      return Outcome.exit(EXIT_USAGE);
    }
    AuthSetup auth = AuthSetup.of(config, env);
    auth.warnings.forEach(w -> err.println("herald serve: warning: " + w));
    if (!auth.problems.isEmpty()) {
      auth.problems.forEach(p -> err.println("herald serve: " + p));
      return Outcome.exit(EXIT_USAGE);
    }
    try {
      Hub hub = Hub.start(config, auth, Clock.systemUTC(), null);
      out.println("Herald hub listening on " + hub.uri() + " (store: " + describeStore(config) + ")");
      out.println(auth.describe());
      out.flush();
      return new Outcome(Optional.of(hub), 0);
    } catch (RuntimeException e) {
      return cannotStart(config, e, err);
    }
  }

  /**
   * {@code serve --check}: resolves the configuration and the authorization set-up without
   * starting anything; prints every problem and returns 2, or says it is valid and returns 0.
   */
  private static int check(ParseResult serve, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> problems = new ArrayList<>();
    HubConfig config = Settings.resolveAll(configFile(serve, env), env, flags(serve),
        warning -> err.println("herald serve: warning: " + warning), problems);
    AuthSetup auth = AuthSetup.of(config, env);
    auth.warnings.forEach(w -> err.println("herald serve: warning: " + w));
    problems.addAll(auth.problems);
    if (!problems.isEmpty()) {
      err.println("herald serve --check: " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
      problems.forEach(p -> err.println("  - " + p));
      return EXIT_USAGE;
    }
    out.println("herald serve --check: the configuration is valid (host " + config.host() + ", port " + config.port()
        + ", store: " + describeStore(config) + ")");
    out.println(auth.describe());
    return 0;
  }

  /**
   * Says why the hub did not start. A bind failure names the option to change: an address that
   * is not this machine's is a bad {@code --host} (exit 2); a port in use names {@code --port}
   * (exit 1: the option is fine, something else holds the port); a data directory another hub
   * holds names {@code --data-dir} (exit 1 likewise).
   */
  private static Outcome cannotStart(HubConfig config, RuntimeException e, PrintStream err) {
    String causes = causes(e);
    if (causes.contains("cannot assign requested address") || causes.contains("unresolvedaddress")) {
      // normally caught by Settings already; the OS's bind error text would only repeat this
      err.println("herald serve: --host: not an address of this machine, cannot bind to it [value: '"
          + config.host() + "']");
      return Outcome.exit(EXIT_USAGE);
    }
    if (causes.contains("address already in use")) {
      err.println("herald serve: cannot start: --port " + config.port() + " is already in use on " + config.host()
          + " (stop what holds it, or choose another --port; 0 picks a free one)");
      return Outcome.exit(EXIT_START_FAILED);
    }
    if (causes.contains(DataDirectoryLock.HELD)) {
      Path dir = config.dataDir().toAbsolutePath().normalize();
      err.println("herald serve: cannot start: --data-dir " + dir + " is in use by another hub (it holds "
          + dir.resolve(DataDirectoryLock.FILE_NAME) + "); one data directory belongs to one hub: stop that hub, "
          + "or choose another --data-dir");
      return Outcome.exit(EXIT_START_FAILED);
    }
    err.println("herald serve: cannot start: " + e.getMessage());
    return Outcome.exit(EXIT_START_FAILED);
  }

  /** The class names and messages of {@code e} and its causes, in lower case. */
  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 10_000; t = t.getCause()) {
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  private static String describeStore(HubConfig config) {
    switch (config.store()) {
      case SQLITE:
        return "sqlite in " + config.dataDir().toAbsolutePath().normalize();
      case REDIS:
        return "redis at " + config.redactedRedisUrl();
      default:
        return "memory, newest " + config.retentionEvents() + " events";
    }
  }

  private static Path configFile(ParseResult serve, Map<String, String> env) {
    String file = serve.matchedOptionValue("--config", env.get(Settings.CONFIG_VARIABLE));
    return file == null || file.isEmpty() ? null : Paths.get(file);
  }

  private static Map<String, String> flags(ParseResult serve) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String name : Settings.OPTIONS.keySet()) {
      String value = serve.matchedOptionValue("--" + name, null);
      if (value != null) {
        flags.put(name, value);
      }
    }
    return flags;
  }

  private static CommandSpec rootSpec() {
    CommandSpec root = CommandSpec.create().name("herald");
    root.addOption(help());
    root.usageMessage().description("Herald: a server-sent events hub.");
    CommandSpec serve = CommandSpec.create().name("serve");
    serve.addOption(help());
    serve.usageMessage().description(
        "Start the hub: publish with POST /publish, subscribe with GET /events?topic=...; Mercure clients use "
            + "POST and GET /.well-known/mercure",
        "",
        "Every option can also be set as an environment variable (--data-dir as HERALD_DATA_DIR) or in a "
            + "properties file given with --config (data-dir=...). Flags win over the environment, which wins "
            + "over the file; only the winning value of an option is read. Unknown HERALD_* variables are "
            + "ignored with a warning. Durations: 500ms, 15s, 2m, 1h, 7d, 0 or ISO-8601 (PT1M30S). Sizes: 65536, 64k, 1m (k, m, g are "
            + "powers of 1024).",
        "");
    serve.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
        .description("properties file with options (or " + Settings.CONFIG_VARIABLE + ")").build());
    serve.addOption(OptionSpec.builder("--check").arity("0")
        .description("check the configuration (options, keys readable and usable, start-up rules) and exit: 0 if it "
            + "is valid, else 2 listing every problem").build());
    for (Settings.Option o : Settings.OPTIONS.values()) {
      OptionSpec.Builder b = OptionSpec.builder("--" + o.name).paramLabel(o.label).type(String.class)
          .description(o.help);
      if (o.bool) {
        b.arity("0..1").fallbackValue("true");
      }
      serve.addOption(b.build());
    }
    root.addSubcommand("serve", serve);
    root.addSubcommand("token", TokenCommand.spec(help()));
    return root;
  }

  private static OptionSpec help() {
    return OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help and exit").build();
  }
}
