//! The most heap a thread holds at once, for the memory test of `replay`:
//! stats_alloc counts totals, not the high-water mark, and the test thread's
//! own allocations only (the other tests run beside it, two of them
//! counting too: each thread keeps its own counts).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes held by a thread while a
/// [`Counting`] is alive on it.
pub struct Peak;

#[global_allocator]
pub static PEAK: Peak = Peak;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static HELD: Cell<isize> = const { Cell::new(0) };
    static HIGHEST: Cell<isize> = const { Cell::new(0) };
}

fn counted(delta: isize) {
    if ON.with(Cell::get) {
        let held = HELD.with(|h| h.get()) + delta;
        HELD.with(|h| h.set(held));
        HIGHEST.with(|h| h.set(h.get().max(held)));
    }
}

// SAFETY: every call is passed to `System` unchanged; the counters only
// add up sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        counted(layout.size() as isize);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        counted(-(layout.size() as isize));
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        counted(new_size as isize - layout.size() as isize);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counting on this thread, from zero, until dropped.
pub struct Counting;

impl Counting {
    pub fn start() -> Self {
        HELD.with(|h| h.set(0));
        HIGHEST.with(|h| h.set(0));
        ON.with(|on| on.set(true));
        Counting
    }

    /// The most bytes held at once since the start.
    pub fn peak(&self) -> usize {
        HIGHEST.with(Cell::get).max(0) as usize
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        ON.with(|on| on.set(false));
    }
}
