// surge/resource.hpp — shared things processes wait for: `resource` (n identical units, FIFO or
// priority waiters, RAII release), `store<T>` (bounded queue with blocking put/get and a drop
// policy for try_put), `container` (a level of something, put and get in amounts) and
// `token_bucket` (a rate limit).
//
// All of them follow SimPy's semantics, with one rule from process.hpp: a waiter that is served is
// woken through the event queue at the current instant, and what it was granted is set aside for
// it at once, so nobody can take it in between.
#pragma once

#include "surge/process.hpp"
#include "surge/simulation.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace surge {


/// `capacity` identical units (workers, DB connections). `co_await r.acquire()` returns a slot
/// that gives its unit back when it goes out of scope.
class resource {
public:
    enum class discipline { fifo, priority };

    resource(simulation& sim, std::int64_t capacity, discipline d = discipline::fifo)
        : sim_(&sim), capacity_(check_capacity(capacity, "resource")), discipline_(d) {}
    resource(const resource&) = delete;
    resource& operator=(const resource&) = delete;
    ~resource() { detail::object_dying(*sim_, !waiters_.empty() || in_use_ > 0); }

    /// A held unit; move-only; releases on destruction or release().
    class slot {
    public:
        slot() noexcept = default;
        slot(slot&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
        slot& operator=(slot&& o) noexcept {
            if (this != &o) {
                release();
                r_ = std::exchange(o.r_, nullptr);
            }
            return *this;
        }
        ~slot() { release(); }
        void release() noexcept {
            if (r_ != nullptr) std::exchange(r_, nullptr)->give_back();
        }
        [[nodiscard]] bool held() const noexcept { return r_ != nullptr; }
        explicit operator bool() const noexcept { return held(); }

    private:
        friend class resource;
        explicit slot(resource* r) noexcept : r_(r) {}
        resource* r_ = nullptr;
    };

    /// `auto s = co_await r.acquire(prio);` — lower prio is served first under
    /// discipline::priority (FIFO among equals); prio is ignored under fifo.
    [[nodiscard]] auto acquire(std::int32_t prio = 0) {
        struct awaiter : detail::single_wait {
            awaiter(resource* r, std::int32_t pr) noexcept : res(r) { node.prio = pr; }
            awaiter(const awaiter&) = delete;
            ~awaiter() {
                if (granted) res->give_back();  // served but never resumed (teardown)
            }
            resource* res;
            bool granted = false;
            bool await_ready() {
                p = detail::current(*res->sim_, "resource::acquire()");
                granted = !p->interrupt_pending && res->take_unit_now();
                return granted;
            }
            bool await_suspend(std::coroutine_handle<>) {
                if (detail::take_pending_interrupt(p)) return false;
                node.on_fire = &on_grant;
                node.ctx = this;
                res->enqueue(node);
                suspend_on();
                return true;
            }
            slot await_resume() {
                detail::raise_if_interrupted(p);
                granted = false;
                return slot(res);
            }
            static void on_grant(detail::waiter& w) {
                static_cast<awaiter*>(w.ctx)->granted = true;
                detail::wake(w.proc);
            }
        };
        return awaiter(this, prio);
    }

    /// `auto s = co_await r.acquire_for(30_s);` — like acquire(), but gives up after `limit`:
    /// then `s` is empty (`!s`). A pool checkout with a timeout (SQLAlchemy's pool_timeout).
    [[nodiscard]] auto acquire_for(duration limit, std::int32_t prio = 0) {
        if (limit < duration::zero())
            throw std::invalid_argument("resource::acquire_for: negative time limit " + to_string(limit) +
                                        "; a limit must be >= 0");
        struct awaiter : detail::single_wait {
            awaiter(resource* r, duration lim, std::int32_t pr) noexcept : res(r), limit(lim) { node.prio = pr; }
            awaiter(const awaiter&) = delete;
            ~awaiter() {
                if (timer_pending) res->sim_->cancel(timer);
                if (granted) res->give_back();  // served but never resumed (teardown)
            }
            resource* res;
            duration limit;
            event_handle timer;
            bool timer_pending = false;
            bool granted = false;
            bool await_ready() {
                p = detail::current(*res->sim_, "resource::acquire_for()");
                granted = !p->interrupt_pending && res->take_unit_now();
                return granted;
            }
            bool await_suspend(std::coroutine_handle<>) {
                if (detail::take_pending_interrupt(p)) return false;
                node.on_fire = &on_grant;
                node.ctx = this;
                res->enqueue(node);
                node.proc = p;
                timer = res->sim_->schedule(limit, [this] { on_timeout(); });
                timer_pending = true;
                p->cancel_fn = &cancel_both;
                p->cancel_ctx = this;
                return true;
            }
            slot await_resume() {
                detail::raise_if_interrupted(p);
                if (!granted) return slot();
                granted = false;
                return slot(res);
            }
            void on_timeout() {
                timer_pending = false;
                node.unlink();
                detail::wake(p);
            }
            static void on_grant(detail::waiter& w) {
                auto* a = static_cast<awaiter*>(w.ctx);
                a->granted = true;
                if (a->timer_pending) {
                    a->res->sim_->cancel(a->timer);
                    a->timer_pending = false;
                }
                detail::wake(w.proc);
            }
            static void cancel_both(void* self) noexcept {
                auto* a = static_cast<awaiter*>(self);
                a->node.unlink();
                if (a->timer_pending) {
                    a->res->sim_->cancel(a->timer);
                    a->timer_pending = false;
                }
            }
        };
        return awaiter(this, limit, prio);
    }

    /// A unit now, or an empty slot if none is free (or others are queued ahead).
    [[nodiscard]] slot try_acquire() noexcept {
        return take_unit_now() ? slot(this) : slot();
    }

    /// Changes the number of units (a worker lost or added). Units in use above a lowered
    /// capacity stay in use until released; a raised capacity serves waiters at once.
    void set_capacity(std::int64_t capacity) {
        capacity_ = check_capacity(capacity, "resource::set_capacity");
        serve();
    }

    [[nodiscard]] std::int64_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] std::int64_t in_use() const noexcept { return in_use_; }
    [[nodiscard]] std::int64_t available() const noexcept { return in_use_ >= capacity_ ? 0 : capacity_ - in_use_; }
    [[nodiscard]] std::size_t queue_length() const noexcept { return waiters_.size(); }

    static std::int64_t check_capacity(std::int64_t c, const char* who) {
        if (c < 1)
            throw std::invalid_argument(std::string(who) + ": capacity must be >= 1, got " + std::to_string(c));
        return c;
    }

private:
    /// Takes a unit if one is free and nobody is queued ahead (acquire, acquire_for, try_acquire).
    bool take_unit_now() noexcept {
        if (!waiters_.empty() || in_use_ >= capacity_) return false;
        ++in_use_;
        return true;
    }
    /// Queues a waiter by the resource's discipline.
    void enqueue(detail::waiter& w) noexcept {
        if (discipline_ == discipline::priority) {
            waiters_.insert_by_priority(w);
        } else {
            waiters_.push_back(w);
        }
    }
    void give_back() noexcept {
        --in_use_;
        serve();
    }
    void serve() noexcept {
        // Waking only schedules; it cannot fail short of memory exhaustion, which ends the program.
        while (in_use_ < capacity_ && !waiters_.empty()) {
            ++in_use_;
            waiters_.fire_front();
        }
    }

    simulation* sim_;
    std::int64_t capacity_;
    std::int64_t in_use_ = 0;
    discipline discipline_;
    detail::wait_list waiters_;
};

/// What try_put did with an item.
enum class put_result { accepted, rejected, dropped_oldest, dropped_newest };
/// How try_put treats a full store.
enum class overflow_policy { reject, drop_oldest, drop_newest };

/// A bounded FIFO queue of T. `co_await s.put(x)` waits for room, `T x = co_await s.get()` waits
/// for an item; try_put applies an overflow policy instead of waiting.
template <class T>
class store {
public:
    static constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();

    store(simulation& sim, std::size_t capacity) : sim_(&sim), capacity_(capacity) {
        if (capacity == 0)
            throw std::invalid_argument("store: capacity must be >= 1 (or store::unbounded), got 0");
    }
    store(const store&) = delete;
    store& operator=(const store&) = delete;
    ~store() { detail::object_dying(*sim_, !getters_.empty() || !putters_.empty()); }

    class put_awaiter : detail::single_wait {
    public:
        put_awaiter(store* s, T&& v) : st_(s), item_(std::move(v)) {}
        put_awaiter(const put_awaiter&) = delete;
        bool await_ready() {
            p = detail::current(*st_->sim_, "store::put()");
            if (p->interrupt_pending || !st_->putters_.empty() || st_->full()) return false;
            st_->accept(std::move(*item_));
            item_.reset();
            return true;
        }
        bool await_suspend(std::coroutine_handle<>) {
            if (detail::take_pending_interrupt(p)) return false;
            node.ctx = this;
            st_->putters_.push_back(node);
            suspend_on();
            return true;
        }
        void await_resume() const { detail::raise_if_interrupted(p); }

    private:
        friend class store;
        store* st_;
        std::optional<T> item_;  // emptied once the store took it
    };

    class get_awaiter : detail::single_wait {
    public:
        explicit get_awaiter(store* s) noexcept : st_(s) {}
        get_awaiter(const get_awaiter&) = delete;
        bool await_ready() {
            p = detail::current(*st_->sim_, "store::get()");
            return !p->interrupt_pending && !st_->items_.empty();
        }
        bool await_suspend(std::coroutine_handle<>) {
            if (detail::take_pending_interrupt(p)) return false;
            node.ctx = this;
            st_->getters_.push_back(node);
            suspend_on();
            return true;
        }
        T await_resume() {
            detail::raise_if_interrupted(p);
            if (item_.has_value()) return std::move(*item_);
            return st_->take_front();
        }

    private:
        friend class store;
        store* st_;
        std::optional<T> item_;  // handed over by a put while waiting
    };

    [[nodiscard]] put_awaiter put(T item) { return put_awaiter(this, std::move(item)); }
    [[nodiscard]] get_awaiter get() { return get_awaiter(this); }

    /// Stores `item` without waiting. When full: reject (the item is not stored), drop_oldest (the
    /// oldest item is discarded to make room) or drop_newest (`item` itself is discarded).
    put_result try_put(T item, overflow_policy policy = overflow_policy::reject) {
        if (!full() || !getters_.empty()) {
            accept(std::move(item));
            return put_result::accepted;
        }
        switch (policy) {
        case overflow_policy::reject: ++rejected_; return put_result::rejected;
        case overflow_policy::drop_newest: ++dropped_; return put_result::dropped_newest;
        case overflow_policy::drop_oldest:
            items_.pop_front();
            items_.push_back(std::move(item));
            ++dropped_;
            return put_result::dropped_oldest;
        }
        return put_result::rejected;
    }

    /// The oldest item, or nothing if the store is empty.
    std::optional<T> try_get() {
        if (items_.empty()) return std::nullopt;
        return take_front();
    }

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] bool full() const noexcept { return items_.size() >= capacity_; }
    [[nodiscard]] std::size_t getters_waiting() const noexcept { return getters_.size(); }
    [[nodiscard]] std::size_t putters_waiting() const noexcept { return putters_.size(); }
    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
    [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }
    /// The items, oldest first (for inspection and reports).
    [[nodiscard]] const std::deque<T>& items() const noexcept { return items_; }

private:
    // A waiting getter means the store is empty: the item goes straight to it.
    void accept(T&& item) {
        if (!getters_.empty()) {
            static_cast<get_awaiter*>(getters_.front()->ctx)->item_.emplace(std::move(item));
            getters_.fire_front();
            return;
        }
        items_.push_back(std::move(item));
    }
    // Taking an item makes room for the first blocked putter.
    T take_front() {
        T v = std::move(items_.front());
        items_.pop_front();
        if (!putters_.empty() && !full()) {
            auto* a = static_cast<put_awaiter*>(putters_.front()->ctx);
            items_.push_back(std::move(*a->item_));
            a->item_.reset();
            putters_.fire_front();
        }
        return v;
    }

    simulation* sim_;
    std::size_t capacity_;
    std::deque<T> items_;
    detail::wait_list getters_;
    detail::wait_list putters_;
    std::uint64_t dropped_ = 0;
    std::uint64_t rejected_ = 0;
};

/// A level between 0 and capacity (bytes in a buffer, budget). put(n) waits for room, get(n) waits
/// for n to be there; each side is served strictly in arrival order (no overtaking).
class container {
public:
    container(simulation& sim, std::int64_t capacity, std::int64_t initial = 0) : sim_(&sim), capacity_(capacity), level_(initial) {
        if (capacity < 1) throw std::invalid_argument("container: capacity must be >= 1, got " + std::to_string(capacity));
        if (initial < 0 || initial > capacity)
            throw std::invalid_argument("container: initial level must be within [0, " + std::to_string(capacity) + "], got " +
                                        std::to_string(initial));
    }
    container(const container&) = delete;
    container& operator=(const container&) = delete;
    ~container() { detail::object_dying(*sim_, !getters_.empty() || !putters_.empty()); }

    class amount_awaiter : detail::single_wait {
    public:
        amount_awaiter(container* c, std::int64_t n, bool is_put) : c_(c), put_(is_put) { node.amount = n; }
        amount_awaiter(const amount_awaiter&) = delete;
        bool await_ready() {
            p = detail::current(*c_->sim_, put_ ? "container::put()" : "container::get()");
            if (p->interrupt_pending || !queue().empty() || !c_->fits(node.amount, put_)) return false;
            c_->apply(node.amount, put_);
            return true;
        }
        bool await_suspend(std::coroutine_handle<>) {
            if (detail::take_pending_interrupt(p)) return false;
            queue().push_back(node);
            suspend_on();
            p->cancel_fn = &cancel_wait;
            p->cancel_ctx = this;
            return true;
        }
        void await_resume() const { detail::raise_if_interrupted(p); }

    private:
        detail::wait_list& queue() const noexcept { return put_ ? c_->putters_ : c_->getters_; }
        // An interrupted waiter leaves its queue; if it was the head, the ones behind it may now
        // fit (strict FIFO only holds them back while someone is ahead).
        static void cancel_wait(void* self) noexcept {
            auto* a = static_cast<amount_awaiter*>(self);
            a->node.unlink();
            a->c_->serve();
        }
        container* c_;
        bool put_;
    };

    [[nodiscard]] amount_awaiter put(std::int64_t n) { return amount_awaiter(this, check(n, "put"), true); }
    [[nodiscard]] amount_awaiter get(std::int64_t n) { return amount_awaiter(this, check(n, "get"), false); }
    bool try_put(std::int64_t n) { return try_apply(check(n, "try_put"), true); }
    bool try_get(std::int64_t n) { return try_apply(check(n, "try_get"), false); }

    [[nodiscard]] std::int64_t level() const noexcept { return level_; }
    [[nodiscard]] std::int64_t capacity() const noexcept { return capacity_; }
    [[nodiscard]] std::size_t getters_waiting() const noexcept { return getters_.size(); }
    [[nodiscard]] std::size_t putters_waiting() const noexcept { return putters_.size(); }

private:
    std::int64_t check(std::int64_t n, const char* what) const {
        if (n < 1 || n > capacity_)
            throw std::invalid_argument(std::string("container::") + what + ": amount must be within [1, " +
                                        std::to_string(capacity_) + "], got " + std::to_string(n));
        return n;
    }
    [[nodiscard]] bool fits(std::int64_t n, bool is_put) const noexcept {
        return is_put ? level_ + n <= capacity_ : level_ >= n;
    }
    bool try_apply(std::int64_t n, bool is_put) {
        if (!(is_put ? putters_ : getters_).empty() || !fits(n, is_put)) return false;
        apply(n, is_put);
        return true;
    }
    void apply(std::int64_t n, bool is_put) {
        level_ += is_put ? n : -n;
        serve();
    }
    // Each change may let the heads of both queues through; repeat until neither moves.
    // Waking only schedules; it cannot fail short of memory exhaustion, which ends the program.
    void serve() noexcept {
        for (bool moved = true; moved;) {
            moved = false;
            if (!putters_.empty() && fits(putters_.front()->amount, true)) {
                level_ += putters_.front()->amount;
                putters_.fire_front();
                moved = true;
            }
            if (!getters_.empty() && fits(getters_.front()->amount, false)) {
                level_ -= getters_.front()->amount;
                getters_.fire_front();
                moved = true;
            }
        }
    }

    simulation* sim_;
    std::int64_t capacity_;
    std::int64_t level_;
    detail::wait_list getters_;
    detail::wait_list putters_;
};

/// A token bucket: `burst` tokens at most, one more every `interval` (rate = 1/interval).
/// try_take(n) takes n tokens if they are there; `co_await take(n)` takes them now and, if that
/// leaves the bucket in debt, waits until the debt is repaid — so waiting takers are served in
/// order and the long-run rate never exceeds the limit (the scheme of Guava's RateLimiter).
class token_bucket {
public:
    token_bucket(simulation& sim, duration interval, std::int64_t burst)
        : sim_(&sim), interval_(interval), burst_(burst), tokens_(burst), last_(sim.now()) {
        if (interval <= duration::zero())
            throw std::invalid_argument("token_bucket: interval per token must be > 0, got " + to_string(interval));
        if (burst < 1) throw std::invalid_argument("token_bucket: burst must be >= 1, got " + std::to_string(burst));
    }
    /// From a rate in tokens per second (> 0): interval = 1 s / rate, rounded to a nanosecond.
    static token_bucket per_second(simulation& sim, double rate, std::int64_t burst) {
        if (!(rate > 0) || rate > 1e9)
            throw std::invalid_argument("token_bucket: rate must be within (0, 1e9] per second, got " + std::to_string(rate));
        return token_bucket(sim, duration::from_seconds(1.0 / rate), burst);
    }

    bool try_take(std::int64_t n = 1) {
        check(n);
        refill();
        if (tokens_ < n) return false;
        tokens_ -= n;
        return true;
    }

    [[nodiscard]] delay_awaiter take(std::int64_t n = 1) {
        check(n);
        refill();
        tokens_ -= n;
        duration wait = duration::zero();
        if (tokens_ < 0) wait = interval_ * (-tokens_) - carry_;
        return delay_awaiter(*sim_, wait, false);
    }

    /// Tokens available now (negative: owed by takers that are waiting).
    [[nodiscard]] std::int64_t tokens() {
        refill();
        return tokens_;
    }
    [[nodiscard]] duration interval() const noexcept { return interval_; }
    [[nodiscard]] std::int64_t burst() const noexcept { return burst_; }

private:
    void check(std::int64_t n) const {
        if (n < 1 || n > burst_)
            throw std::invalid_argument("token_bucket: tokens requested must be within [1, burst=" + std::to_string(burst_) +
                                        "], got " + std::to_string(n));
    }
    void refill() noexcept {
        const duration elapsed = sim_->now() - last_ + carry_;
        last_ = sim_->now();
        const std::int64_t earned = elapsed / interval_;
        carry_ = elapsed - interval_ * earned;
        tokens_ += earned;
        if (tokens_ >= burst_) {
            tokens_ = burst_;
            carry_ = duration::zero();
        }
    }

    simulation* sim_;
    duration interval_;
    std::int64_t burst_;
    std::int64_t tokens_;
    time_point last_;
    duration carry_{};
};

} // namespace surge
