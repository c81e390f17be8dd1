package dev.herald.redis;

import dev.herald.hub.NewEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The append, one Lua script so that a batch is atomic and a key or id check cannot race another
 * node: look up the idempotency key (a record younger than the window, by the caller's clock, is
 * a repeat: answer it), refuse a publisher-chosen id held by a retained entry, then {@code XADD}
 * each event with an explicit id ({@code max(now, last ms)}, next sequence; a sequence that would
 * reach {@code 2^20} moves to the next millisecond), trim by count like {@code MAXLEN ~} (only
 * once the stream is a little over the limit, then exactly, recording the highest removed id —
 * see {@link #COMMON} for why not {@code XADD MAXLEN ~} itself), remember each
 * publisher-chosen id ({@code SET … PX max-age}, plus a day: see
 * {@code RedisHistoryStore}) and the key ({@code SET … PX window}; inside the
 * script the look-up and the set are one atomic step, as {@code SET NX} would be). Answers
 * {@code ok id…}, {@code dup <record>} or {@code taken <id>}.
 *
 * <p>KEYS: the stream, the trimmed key, the idempotency key (a placeholder when none), one key per
 * publisher-chosen id in batch order. ARGV: now ms, window ms (0: no keys), max events,
 * id TTL ms, request hash, keyed (0/1), n, floor id, then per event: its publisher id ("" for none), the
 * number of field pairs, the pairs. ARGV[8] is a floor: the last entry this node delivered; new ids
 * go above it even when the stream's own last id went back (Redis lost its last writes, e.g.
 * restarted without AOF or with {@code appendfsync everysec}), so a tail never skips a new entry.
 */
final class RedisAppendScript {
  /**
   * Lua shared by both scripts: entry id parsing, and trimming that records the highest removed
   * id in the {@code trimmed} key (Redis 7.0's {@code max-deleted-entry-id} counts only
   * {@code XDEL}, not trimming, so Herald keeps its own to report {@code herald-gap}).
   */
  static final String COMMON = String.join("\n",
      "local function parse(id)",
      "  local ms, seq = string.match(id, '^(%d+)-(%d+)$')",
      "  return tonumber(ms), tonumber(seq)",
      "end",
      "local function later(a, b)",
      "  local am, as = parse(a)",
      "  local bm, bs = parse(b)",
      "  return am > bm or (am == bm and as > bs)",
      "end",
      "local function removed(trimmedKey, top)",
      "  local was = redis.call('GET', trimmedKey)",
      "  if not was or later(top, was) then redis.call('SET', trimmedKey, top) end",
      "end",
      "local function trimCount(stream, trimmedKey, maxlen, slack)",
      "  local len = redis.call('XLEN', stream)",
      "  if len <= maxlen + slack then return end",
      "  while len > maxlen do",
      "    local n = math.min(len - maxlen, 1000)",
      "    local gone = redis.call('XRANGE', stream, '-', '+', 'COUNT', n)",
      "    redis.call('XTRIM', stream, 'MAXLEN', '=', len - n)",
      "    removed(trimmedKey, gone[#gone][1])",
      "    len = len - n",
      "  end",
      "end",
      "");

  /**
   * KEYS: the stream, the trimmed key. ARGV: the node's now (ms), the maximum age (ms), max events.
   * The age cutoff goes by the earlier of the node's clock and Redis's ({@code TIME}), so a node
   * whose clock runs ahead never removes events that are younger than the maximum age for the others.
   */
  static final String RETENTION = COMMON + String.join("\n",
      "local stream, trimmedKey = KEYS[1], KEYS[2]",
      "local t = redis.call('TIME')",
      "local now = math.min(tonumber(ARGV[1]), tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))",
      "local cutoff = now - tonumber(ARGV[2])",
      "if cutoff > 0 then",
      "  local cut = string.format('%d-0', cutoff)",
      "  local older = redis.call('XREVRANGE', stream, '(' .. cut, '-', 'COUNT', 1)",
      "  if #older > 0 then",
      "    redis.call('XTRIM', stream, 'MINID', '=', cut)",
      "    removed(trimmedKey, older[1][1])",
      "  end",
      "end",
      "trimCount(stream, trimmedKey, tonumber(ARGV[3]), 0)",
      "return redis.call('XLEN', stream)");

  static final String LUA = COMMON + String.join("\n",
      "local stream = KEYS[1]",
      "local trimmedKey = KEYS[2]",
      "local now = tonumber(ARGV[1])",
      "local window = tonumber(ARGV[2])",
      "local maxlen = tonumber(ARGV[3])",
      "local idTtl = ARGV[4]",
      "local hash = ARGV[5]",
      "local keyed = ARGV[6] == '1' and window > 0",
      "local n = tonumber(ARGV[7])",
      "local lastMs, lastSeq = 0, 0",
      "if redis.call('EXISTS', stream) == 1 then",
      "  local info = redis.call('XINFO', 'STREAM', stream)",
      "  for i = 1, #info, 2 do",
      "    if info[i] == 'last-generated-id' then lastMs, lastSeq = parse(info[i + 1]) end",
      "  end",
      "end",
      "local floorMs, floorSeq = parse(ARGV[8])",
      "if floorMs > lastMs or (floorMs == lastMs and floorSeq > lastSeq) then lastMs, lastSeq = floorMs, floorSeq end",
      "if keyed then",
      "  local prev = redis.call('GET', KEYS[3])",
      "  if prev then",
      "    local rec = cjson.decode(prev)",
      "    if now - tonumber(rec.t) <= window then return {'dup', prev} end",
      "  end",
      "end",
      "local events = {}",
      "local pos = 9",
      "for i = 1, n do",
      "  local cid = ARGV[pos]",
      "  local nf = tonumber(ARGV[pos + 1])",
      "  local fields = {}",
      "  for j = 1, nf * 2 do fields[j] = ARGV[pos + 1 + j] end",
      "  pos = pos + 2 + nf * 2",
      "  events[i] = {cid, fields}",
      "end",
      "local trimmed = redis.call('GET', trimmedKey) or '0-0'",
      "local k = 4",
      "for i = 1, n do",
      "  if events[i][1] ~= '' then",
      "    local held = redis.call('GET', KEYS[k])",
      "    if held and later(held, trimmed) then return {'taken', events[i][1]} end",
      "    k = k + 1",
      "  end",
      "end",
      "local ms, seq = now, 0",
      "if ms <= lastMs then",
      "  ms = lastMs",
      "  seq = lastSeq + 1",
      "  if seq >= 1048576 then ms = ms + 1; seq = 0 end",
      "end",
      "local ids, wire = {}, {}",
      "k = 4",
      "for i = 1, n do",
      "  local id = string.format('%d-%d', ms, seq)",
      "  redis.call('XADD', stream, id, unpack(events[i][2]))",
      "  ids[i] = id",
      "  wire[i] = id",
      "  if events[i][1] ~= '' then",
      "    redis.call('SET', KEYS[k], id, 'PX', idTtl)",
      "    wire[i] = events[i][1]",
      "    k = k + 1",
      "  end",
      "  seq = seq + 1",
      "  if seq >= 1048576 then ms = ms + 1; seq = 0 end",
      "end",
      "trimCount(stream, trimmedKey, maxlen, math.min(100, maxlen))",
      "if keyed then",
      "  redis.call('SET', KEYS[3], cjson.encode({t = string.format('%d', now), h = hash, ids = ids, w = wire}), 'PX', window)",
      "end",
      "return {'ok', unpack(ids)}");

  private RedisAppendScript() {}

  /** Why the batch cannot be stored (as the other stores say it), or "". */
  static String problem(List<NewEvent> batch) {
    if (batch.isEmpty()) {
      return "empty batch";
    }
    for (int i = 0; i < batch.size(); i++) {
      NewEvent e = Objects.requireNonNull(batch.get(i), "batch element == null");
      if (new HashSet<>(e.topics()).size() != e.topics().size()) {
        return "event " + i + " of the batch lists a topic twice";
      }
      if (e.retry().filter(Duration::isNegative).isPresent()) {
        return "event " + i + " of the batch has a negative retry";
      }
      if (e.customId().filter(RedisAppendScript::looksLikeEntryId).isPresent()) {
        // clients could not tell it from the entry id another event carries: a resume would skip
        return "field 'id' must not look like a Redis entry id (<ms>-<seq>, such as '" + e.customId().get()
            + "'): those are the hub's own ids here; use an IRI such as urn:uuid:…";
      }
    }
    return "";
  }

  /** Whether {@code id} has the form of a stream entry id, digits, a dash, digits. */
  static boolean looksLikeEntryId(String id) {
    int dash = id.indexOf('-');
    return dash > 0 && dash < id.length() - 1 && id.chars().filter(c -> c == '-').count() == 1
        && id.chars().allMatch(c -> c == '-' || c >= '0' && c <= '9');
  }

  static Optional<String> twice(List<NewEvent> batch) {
    Set<String> seen = new HashSet<>();
    for (NewEvent e : batch) {
      if (e.customId().isPresent() && !seen.add(e.customId().get())) {
        return e.customId();
      }
    }
    return Optional.empty();
  }

  /** The script's keys for {@code batch}. */
  static String[] keys(Keys keys, List<NewEvent> batch, Optional<String> idempotencyKey) {
    List<String> k = new ArrayList<>();
    k.add(keys.stream());
    k.add(keys.trimmed());
    k.add(keys.idempotency(idempotencyKey.orElse("")));
    for (NewEvent e : batch) {
      e.customId().ifPresent(id -> k.add(keys.customId(id)));
    }
    return k.toArray(new String[0]);
  }

  /** The script's arguments. */
  static String[] args(long nowMillis, long windowMillis, long maxEvents, long idTtlMillis, String requestHash,
      boolean keyed, long floor, List<NewEvent> batch) {
    List<String> a = new ArrayList<>();
    a.add(Long.toString(nowMillis));
    a.add(Long.toString(windowMillis));
    a.add(Long.toString(maxEvents));
    a.add(Long.toString(idTtlMillis));
    a.add(requestHash);
    a.add(keyed ? "1" : "0");
    a.add(Integer.toString(batch.size()));
    a.add(RedisIds.id(floor));
    for (NewEvent e : batch) {
      List<String> fields = RedisEntries.fields(e);
      a.add(e.customId().orElse(""));
      a.add(Integer.toString(fields.size() / 2));
      a.addAll(fields);
    }
    return a.toArray(new String[0]);
  }

  /** The Redis keys of one store: everything under one prefix. */
  static final class Keys {
    private final String prefix;

    Keys(String prefix) {
      this.prefix = prefix;
    }

    String stream() {
      return prefix + ":stream";
    }

    String trimmed() {
      return prefix + ":trimmed";
    }

    String idempotency(String key) {
      return prefix + ":key:" + key;
    }

    String customId(String id) {
      return prefix + ":id:" + id;
    }
  }
}
