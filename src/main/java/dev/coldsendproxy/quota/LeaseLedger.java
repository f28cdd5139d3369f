package dev.coldsendproxy.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.coldsendproxy.cluster.RedisCommands;
import dev.coldsendproxy.cluster.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

/**
 * The key's budget as all replicas share it in Redis: one Lua script per operation, each atomic.
 *
 * <p>The windows are sorted sets of units. A leased unit is scored with its lease's deadline (the
 * last instant it may be sent), so it counts from its lease until a full window after that
 * deadline: whenever within the lease it is sent, Coldsend's window of that send is covered. A
 * sent unit re-reported after Redis lost its data is scored with its send time. Time is Redis's
 * own ({@code TIME}), so replicas with skewed clocks agree; a simulation may pass its own clock.
 *
 * <p>An <em>epoch</em> names one life of Redis's data. When the epoch key is missing (Redis
 * restarted empty), the next script starts a new epoch and a rebuild: no lease is granted until
 * {@code expected-replicas} replicas re-reported their sends of the last hour, or the rebuild
 * wait ran out. A replica that has not re-reported into the current epoch gets no lease either.
 */
public final class LeaseLedger implements Ledger {

    /**
     * How far Redis's clock may run ahead of a replica's own between two of its scripts before it
     * counts as a step: well above a command's delay ({@code proxy.redis.timeout}, 250 ms).
     */
    static final long STEP_MILLIS = 1_000;

    /**
     * How long a replica's last contact is remembered ({@code heard:<replica>}): its share stays
     * held back while it may spend on its own ({@link LocalOnlyAllowance#LONGEST_SILENCE}) and a
     * full hour after, with an hour to spare.
     */
    static final long HEARD_LIFE_MILLIS = 24 * 3_600_000L;

    /**
     * Shared by every script: the clock, the epoch (made anew when Redis lost it), rebuild and hold.
     * The clock is Redis's {@code TIME} less every forward step of it that a replica noticed: the
     * epoch hash keeps, per replica, Redis's time and the replica's monotonic clock at its last
     * script ({@code seen:<replica>}); when Redis's time advanced more than {@link #STEP_MILLIS}
     * beyond the replica's since then, the difference was a step, not time passing, and is added
     * to the offset. A step back is left alone by the windows: it makes them remember longer. The
     * records of contact ({@code heard:<replica>}) run on {@code heard}, the same clock never let run
     * back ({@code back}, against the highest value seen, {@code hw}): a step back would make a
     * silent replica look younger, and its share be held back late.
     */
    private static final String PRELUDE = """
            local now
            if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else
              local t = redis.call('TIME')
              now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            now = now - tonumber(redis.call('HGET', KEYS[4], 'offset') or '0')
            local back = tonumber(redis.call('HGET', KEYS[4], 'back') or '0')
            local function parts(seen)
              local a = string.find(seen, ':', 1, true)
              local b = string.find(seen, ':', a + 1, true)
              if not b then
                local lastMono = tonumber(string.sub(seen, a + 1))
                return tonumber(string.sub(seen, 1, a - 1)), lastMono, lastMono - 86400000
              end
              return tonumber(string.sub(seen, 1, a - 1)), tonumber(string.sub(seen, a + 1, b - 1)),
                tonumber(string.sub(seen, b + 1))
            end
            local mono = tonumber(ARGV[7])
            local seenField = 'seen:' .. ARGV[6]
            local seen = redis.call('HGET', KEYS[4], seenField)
            local born = mono
            if seen then
              local lastNow, lastMono, firstMono = parts(seen)
              born = firstMono
              local step = (now + back - lastNow) - (mono - lastMono)
              if step > %d then
                now = now - step
                redis.call('HINCRBY', KEYS[4], 'offset', step)
              end
            end
            -- New here: a step of Redis's clock just before is seen only by a replica that ran a
            -- script before it. Until such a one has had its turn, this one trims nothing and leases nothing.
            local settleLeft = tonumber(ARGV[8]) - (mono - born)
            if settleLeft < 0 then settleLeft = 0 end
            -- The records of contact run on 'heard', the scripts' clock never let run back: a step
            -- back of Redis's clock, or the correction of a late script or a suspended host's (which
            -- looks like a step forward), would make every record look younger. Undone once, against
            -- the highest 'heard' a settled replica saw ('hw'); per replica it would swing for ever.
            local heard = now + back
            local hw = tonumber(redis.call('HGET', KEYS[4], 'hw') or '0')
            if heard < hw - %d then
              redis.call('HINCRBY', KEYS[4], 'back', hw - heard)
              heard = hw
            end
            if settleLeft == 0 and heard > hw then redis.call('HSET', KEYS[4], 'hw', heard) end
            redis.call('HSET', KEYS[4], seenField, heard .. ':' .. mono .. ':' .. born)
            -- When this replica last heard from Redis, on the scripts' clock; left as it was while it
            -- has sends Redis does not know, so the others keep its share held back until it reports them.
            local heardField = 'heard:' .. ARGV[6]
            if ARGV[10] ~= '1' then redis.call('HSET', KEYS[4], heardField, heard - tonumber(ARGV[9])) end
            -- Replicas silent for silentAfter may be cut off and spend their local-only share: the
            -- others hold it back for as many as the expected replicas not talking to Redis now.
            -- A replica that died still looks like talking for silentAfter, beside its successor: a
            -- lower count is therefore kept out until it has lasted 3 x silentAfter, and every
            -- script renews the count in force. One read of the hash also clears old records; a
            -- settling replica's clock may be stepped: it must not drop the records that let the
            -- others see that.
            local silentAfter = tonumber(ARGV[11])
            local talking, silent = 1, 0
            local records = redis.call('HGETALL', KEYS[4])
            local pruneSeen = settleLeft == 0 and #records > 2 * %d
            for i = 1, #records, 2 do
              local field = records[i]
              if string.sub(field, 1, 6) == 'heard:' and field ~= heardField then
                local age = heard - tonumber(records[i + 1])
                if age >= %d then
                  if settleLeft == 0 then redis.call('HDEL', KEYS[4], field) end
                elseif age < silentAfter then talking = talking + 1
                else silent = silent + 1 end
              elseif pruneSeen and string.sub(field, 1, 5) == 'seen:' and parts(records[i + 1]) < heard - %d then
                redis.call('HDEL', KEYS[4], field)
              end
            end
            local away = math.min(silent, math.max(0, tonumber(ARGV[3]) - talking))
            local keptAway, keptUntil = 0, 0
            local kept = redis.call('HGET', KEYS[4], 'away')
            if kept then
              local at = string.find(kept, ':', 1, true)
              keptAway, keptUntil = tonumber(string.sub(kept, 1, at - 1)), tonumber(string.sub(kept, at + 1))
            end
            if keptAway > away and heard < keptUntil then
              away = keptAway
            else
              redis.call('HSET', KEYS[4], 'away', away .. ':' .. (heard + 3 * silentAfter))
            end
            local epoch = redis.call('HGET', KEYS[4], 'id')
            if not epoch then
              epoch = now .. '.' .. redis.call('INCR', KEYS[3])
              redis.call('HSET', KEYS[4], 'id', epoch, 'rebuild', now + tonumber(ARGV[2]))
              redis.call('DEL', KEYS[5])
            end
            local rebuildLeft = tonumber(redis.call('HGET', KEYS[4], 'rebuild')) - now
            if rebuildLeft < 0 or redis.call('SCARD', KEYS[5]) >= tonumber(ARGV[3]) then rebuildLeft = 0 end
            local holdLeft, holdKind = 0, 0
            local held = redis.call('GET', KEYS[6])
            if held then
              local at = string.find(held, ':', 1, true)
              if at then
                holdKind = tonumber(string.sub(held, 1, at - 1))
                holdLeft = tonumber(string.sub(held, at + 1)) - now
              else
                holdKind = tonumber(held)
                holdLeft = redis.call('PTTL', KEYS[6])
              end
              if holdLeft <= 0 then holdLeft, holdKind = 0, 0 end
            end
            local spans = {60000, 3600000}
            local function count(key, span)
              if settleLeft > 0 then return redis.call('ZCOUNT', key, '(' .. (now - span), '+inf') end
              redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
              return redis.call('ZCARD', key)
            end
            local function wait(key, span, n, limit)
              if n < limit then return 0 end
              if limit <= 0 then return span end
              local at = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
              local w = tonumber(at[2]) + span - now
              if w < 1 then w = 1 end
              return w
            end
            local function nextFree(key, span, n)
              if n == 0 then return 0 end
              local at = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
              local w = tonumber(at[2]) + span - now
              if w < 0 then w = 0 end
              return w
            end
            """.formatted(STEP_MILLIS, STEP_MILLIS, 64, HEARD_LIFE_MILLIS, 600_000);

    /**
     * ARGV 12..: want, consumer minute share, consumer hour share, cover ms, the caller's epoch, and
     * one cut-off replica's share of the minute and of the hour ({@link LocalOnlyAllowance#shareOf}),
     * held back for each replica away.
     * Returns {code, a, b, epoch, then count and next-free ms of the 4 windows} with code 1 granted
     * (a units, the last of them numbered b), 0 refused (wait a ms, b 1 = key, 2 = share), 2 import
     * first, 3 rebuilding (wait a), 4 held by Coldsend (wait a, b the status that asked).
     */
    private static final String LEASE = PRELUDE + """
            if ARGV[16] ~= epoch then return {2, 0, 0, epoch} end
            if rebuildLeft > 0 then return {3, rebuildLeft, 0, epoch} end
            if settleLeft > 0 then return {3, settleLeft, 0, epoch} end
            if holdLeft > 0 then return {4, holdLeft, holdKind, epoch} end
            local keys = {KEYS[1], KEYS[2], KEYS[7], KEYS[8]}
            local limits = {tonumber(ARGV[4]) - away * tonumber(ARGV[17]), tonumber(ARGV[5]) - away * tonumber(ARGV[18]),
              tonumber(ARGV[13]), tonumber(ARGV[14])}
            local counts = {}
            local free, longest, scope = limits[1], 0, 0
            for i = 1, 4 do
              local span = spans[(i - 1) % 2 + 1]
              counts[i] = count(keys[i], span)
              local left = limits[i] - counts[i]
              if left < free then free = left end
              if left <= 0 then
                local w = wait(keys[i], span, counts[i], limits[i])
                if w > longest then longest = w end
                if scope == 0 then scope = (i <= 2) and 1 or 2 end
              end
            end
            local code, a, b = 0, longest, scope
            if free > 0 then
              local g = math.min(tonumber(ARGV[12]), free)
              local last = redis.call('INCRBY', KEYS[3], g)
              local deadline = now + tonumber(ARGV[15])
              for s = last - g + 1, last do
                for i = 1, 4 do redis.call('ZADD', keys[i], deadline, epoch .. ':' .. s) end
              end
              code, a, b = 1, g, last
            end
            local out = {code, a, b, epoch}
            for i = 1, 4 do
              local span = spans[(i - 1) % 2 + 1]
              local n = redis.call('ZCARD', keys[i])
              table.insert(out, n)
              table.insert(out, nextFree(keys[i], span, n))
            end
            return out""";

    /**
     * ARGV 12..: epoch, replica, then pairs of member and age in ms. Returns {1, epoch} once recorded,
     * {0, epoch} for another epoch. Once recorded, the replica's sends are all known: it is heard
     * from as of its last answer, whatever it still had to report.
     */
    private static final String IMPORT = PRELUDE + """
            if ARGV[12] ~= epoch then return {0, epoch} end
            for j = 14, #ARGV, 2 do
              local at = now - tonumber(ARGV[j + 1])
              if at > now - spans[2] then
                redis.call('ZADD', KEYS[2], at, ARGV[j])
                if at > now - spans[1] then redis.call('ZADD', KEYS[1], at, ARGV[j]) end
              end
            end
            redis.call('SADD', KEYS[5], ARGV[13])
            redis.call('HSET', KEYS[4], heardField, heard - tonumber(ARGV[9]))
            return {1, epoch}""";

    /** ARGV 12..: the epoch, then members to give back (never sent). Only within the epoch that leased them. */
    private static final String GIVE_BACK = PRELUDE + """
            if ARGV[12] ~= epoch then return 0 end
            for j = 13, #ARGV do
              for _, key in ipairs({KEYS[1], KEYS[2], KEYS[7], KEYS[8]}) do redis.call('ZREM', key, ARGV[j]) end
            end
            return 1""";

    /**
     * ARGV 12..: hold ms, the status that asked for it. Only ever lengthens a hold. The hold's end is
     * kept on the scripts' clock ({@code status:end}), so a step of Redis's clock does not end it
     * early; the key's own TTL, an hour longer, only clears it away.
     */
    private static final String HOLD = PRELUDE + """
            if tonumber(ARGV[12]) > holdLeft then
              redis.call('SET', KEYS[6], ARGV[13] .. ':' .. (now + tonumber(ARGV[12])), 'PX', tonumber(ARGV[12]) + 3600000)
            end
            return 1""";

    /**
     * ARGV 12..: pairs of consumer minute and hour shares. Returns {epoch, rebuild, hold, kind,
     * replicas away, then counts and next-free}.
     */
    private static final String STATUS = PRELUDE + """
            local out = {epoch, rebuildLeft, holdLeft, holdKind, away}
            local limits = {tonumber(ARGV[4]), tonumber(ARGV[5])}
            for j = 12, #ARGV do table.insert(limits, tonumber(ARGV[j])) end
            for i = 1, #KEYS - 6 + 2 do
              local key = i <= 2 and KEYS[i] or KEYS[i + 4]
              local span = spans[(i - 1) % 2 + 1]
              local n = count(key, span)
              table.insert(out, n)
              table.insert(out, nextFree(key, span, n))
            end
            return out""";

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final Settings settings;
    private final String replica;
    private final LongSupplier monotonicMillis;
    private final LongSupplier clockOverride;
    /** This replica's clock when it sent the last script Redis answered (its start until then). */
    private final AtomicLong answeredMono;
    private volatile boolean unreported;
    /** What every lease holds back of the key's minute and hour for each replica away: its local-only share. */
    private final int awayMinuteShare;
    private final int awayHourShare;

    /**
     * @param replica this replica's name, unique to its process
     * @param monotonicMillis this replica's clock that never steps ({@link System#nanoTime()} in
     *        milliseconds in the service), against which a step of Redis's clock shows
     * @param clockOverride Redis time in ms to use instead of {@code TIME}, for a simulation on a
     *        manual clock; null in the service
     */
    public LeaseLedger(RedisCommands redis, RedisKeys keys, Settings settings, String replica, LongSupplier monotonicMillis,
            LongSupplier clockOverride) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        this.replica = replica;
        this.monotonicMillis = monotonicMillis;
        this.clockOverride = clockOverride;
        this.answeredMono = new AtomicLong(monotonicMillis.getAsLong());
        this.awayMinuteShare = LocalOnlyAllowance.shareOf(settings.perMinute(), settings.expectedReplicas());
        this.awayHourShare = LocalOnlyAllowance.shareOf(settings.perHour(), settings.expectedReplicas());
    }

    /**
     * What the scripts need to know of the configuration. {@code coverMillis}: how long past its
     * lease a unit is counted as being sent, the lease's life plus the longest a request that
     * passed its gate may take to reach Coldsend. {@code settleMillis}: how long a replica new to
     * Redis leases nothing and trims nothing, so that every replica that ran a script before it
     * has probed, and seen any step of Redis's clock, first: the probe interval plus the command
     * timeout. {@code silentAfterMillis}: how long a replica may go without an answer from Redis
     * before the others hold its local-only share back, several probes.
     */
    public record Settings(int perMinute, int perHour, long coverMillis, long rebuildMillis, int expectedReplicas,
            long settleMillis, long silentAfterMillis) {
    }

    /** A consumer's name and its share of each window, in units. */
    public record ShareLimits(String consumer, int perMinute, int perHour) {
    }

    /** Count and milliseconds until the oldest unit leaves, for one window. */
    public record Window(int count, long nextFreeMillis) {
    }

    /** The answer to a lease request. */
    public record LeaseAnswer(Outcome outcome, long a, long b, String epoch, List<Window> windows) {

        /** Units granted (when {@link Outcome#GRANTED}). */
        public int granted() {
            return (int) a;
        }

        /** Number of the last unit granted; the others count down from it. */
        public long lastUnit() {
            return b;
        }

        /** Milliseconds to wait (when refused, rebuilding or held). */
        public long waitMillis() {
            return a;
        }
    }

    /** How a lease request ended. */
    public enum Outcome {
        /** Units were granted. */
        GRANTED,
        /** A window of the key or of the consumer's share is full. */
        REFUSED,
        /** This replica must re-report its sends into the current epoch first. */
        IMPORT_FIRST,
        /** Redis lost its data and waits for the replicas' sends. */
        REBUILDING,
        /** Coldsend asked the key to wait. */
        HELD
    }

    /**
     * The shared state for views: epoch, rebuild and hold, the key's and each consumer's windows,
     * and the replicas away (perhaps cut off and spending on their own) with the units of the key's
     * minute and hour held back for them.
     */
    public record Status(String epoch, long rebuildMillis, long holdMillis, int holdStatus, List<Window> windows,
            int replicasAway, int heldPerMinute, int heldPerHour) {

        /** A state with no replica away. */
        public Status(String epoch, long rebuildMillis, long holdMillis, int holdStatus, List<Window> windows) {
            this(epoch, rebuildMillis, holdMillis, holdStatus, windows, 0, 0, 0);
        }
    }

    /** One send to re-report: a stable member name and how long ago it was sent. */
    public record Sent(String member, long ageMillis) {
    }

    /** Leases up to {@code want} units for {@code share}'s consumer, if this replica knows the current {@code epoch}. */
    public Uni<LeaseAnswer> lease(ShareLimits share, int want, String epoch) {
        return lease(share, want, epoch, settings.perMinute(), settings.perHour());
    }

    /** As {@link #lease(ShareLimits, int, String)} under the key's limits in force (lower when Coldsend declared so). */
    @Override
    public Uni<LeaseAnswer> lease(ShareLimits share, int want, String epoch, int perMinute, int perHour) {
        List<String> args = args(perMinute, perHour, Integer.toString(want), Integer.toString(share.perMinute()),
                Integer.toString(share.perHour()), Long.toString(settings.coverMillis()), epoch,
                Integer.toString(awayMinuteShare), Integer.toString(awayHourShare));
        return eval(LEASE, List.of(share), args).map(LeaseLedger::leaseAnswer);
    }

    /** Re-reports sends into {@code epoch}; the item is the epoch now current, equal to {@code epoch} when recorded. */
    @Override
    public Uni<String> importSends(String epoch, String replica, List<Sent> sends) {
        List<String> args = args(epoch, replica);
        for (Sent sent : sends) {
            args.add(sent.member());
            args.add(Long.toString(sent.ageMillis()));
        }
        return eval(IMPORT, List.of(), args).map(answer -> answer.get(0).toInteger() == 1 ? epoch : answer.get(1).toString());
    }

    /** Gives back units leased in {@code epoch} and never sent, so the other replicas may spend them. */
    @Override
    public Uni<Void> giveBack(String epoch, String consumer, List<String> members) {
        List<String> args = args(epoch);
        args.addAll(members);
        return eval(GIVE_BACK, List.of(new ShareLimits(consumer, 0, 0)), args).replaceWithVoid();
    }

    /** Holds every replica's leases for {@code millis}, because Coldsend answered {@code status} asking to wait. */
    @Override
    public Uni<Void> hold(long millis, int status) {
        return eval(HOLD, List.of(), args(Long.toString(millis), Integer.toString(status))).replaceWithVoid();
    }

    @Override
    public void unreportedSends(boolean any) {
        unreported = any;
    }

    /**
     * Removes this replica's records, for a replica that stops with every send reported: the
     * others need not hold its share back. Not a script of the clock: it changes nothing else.
     */
    @Override
    public Uni<Void> leave() {
        return redis.call(ds -> ds.execute(Command.HDEL, keys.quotaEpoch(), "seen:" + replica, "heard:" + replica))
                .replaceWithVoid();
    }

    /** The shared state: the key's windows, then each consumer's in the order given. */
    @Override
    public Uni<Status> status(List<ShareLimits> shares) {
        List<String> args = args();
        for (ShareLimits share : shares) {
            args.add(Integer.toString(share.perMinute()));
            args.add(Integer.toString(share.perHour()));
        }
        return eval(STATUS, shares, args).map(answer -> {
            int away = answer.get(4).toInteger();
            return new Status(answer.get(0).toString(), answer.get(1).toLong(), answer.get(2).toLong(), answer.get(3).toInteger(),
                    windows(answer, 5), away, away * awayMinuteShare, away * awayHourShare);
        });
    }

    /**
     * The ARGV every script starts with (clock, rebuild, expected replicas, the configured limits,
     * this replica, its monotonic clock, how long a replica new to Redis settles, how long ago it
     * sent the last script Redis answered, 1 while it has sends Redis does not know, and how long
     * silent a replica counts as cut off), then {@code extra}.
     */
    private List<String> args(String... extra) {
        return args(settings.perMinute(), settings.perHour(), extra);
    }

    /** As {@link #args(String...)} under the key's limits in force. */
    private List<String> args(int perMinute, int perHour, String... extra) {
        List<String> args = new ArrayList<>();
        args.add(clockOverride == null ? "" : Long.toString(clockOverride.getAsLong()));
        args.add(Long.toString(settings.rebuildMillis()));
        args.add(Integer.toString(settings.expectedReplicas()));
        args.add(Integer.toString(perMinute));
        args.add(Integer.toString(perHour));
        args.add(replica);
        long mono = monotonicMillis.getAsLong();
        args.add(Long.toString(mono));
        args.add(Long.toString(settings.settleMillis()));
        args.add(Long.toString(Math.max(0, mono - answeredMono.get())));
        args.add(unreported ? "1" : "0");
        args.add(Long.toString(settings.silentAfterMillis()));
        args.addAll(List.of(extra));
        return args;
    }

    private Uni<Response> eval(String script, List<ShareLimits> consumers, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(script);
        List<String> scriptKeys = new ArrayList<>(List.of(keys.quotaWindow("m"), keys.quotaWindow("h"), keys.quotaSequence(),
                keys.quotaEpoch(), keys.quotaImporters(), keys.quotaHold()));
        for (ShareLimits share : consumers) {
            scriptKeys.add(keys.consumerWindow(share.consumer(), "m"));
            scriptKeys.add(keys.consumerWindow(share.consumer(), "h"));
        }
        command.add(Integer.toString(scriptKeys.size()));
        command.addAll(scriptKeys);
        command.addAll(args);
        long sentAt = Long.parseLong(args.get(6));
        return redis.call(ds -> ds.execute(Command.EVAL, command.toArray(String[]::new)))
                .invoke(() -> answeredMono.accumulateAndGet(sentAt, Math::max));
    }

    private static LeaseAnswer leaseAnswer(Response answer) {
        Outcome outcome = switch (answer.get(0).toInteger()) {
            case 1 -> Outcome.GRANTED;
            case 2 -> Outcome.IMPORT_FIRST;
            case 3 -> Outcome.REBUILDING;
            case 4 -> Outcome.HELD;
            default -> Outcome.REFUSED;
        };
        return new LeaseAnswer(outcome, answer.get(1).toLong(), answer.get(2).toLong(), answer.get(3).toString(),
                windows(answer, 4));
    }

    private static List<Window> windows(Response answer, int from) {
        List<Window> windows = new ArrayList<>();
        for (int i = from; i + 1 < answer.size(); i += 2) {
            windows.add(new Window(answer.get(i).toInteger(), answer.get(i + 1).toLong()));
        }
        return windows;
    }
}
