//! Triage: saved views, the summary strip and chart, failure groups, retry state and stuck
//! entries, row lines.

use crate::harness::*;
use crate::pages::*;

#[tokio::test]
pub(crate) async fn saved_views_are_kept_applied_linked_and_deleted() {
    let b = browser(Target::Demo).await;
    b.open("/?status=Failed&q=shop&in=system&sort=common_ref&dir=asc&days=7")
        .await;
    let narrowed = b.count_text().await;
    b.button("Saved views").await.click().await.unwrap();
    let name = b.wait_css("input[aria-label='View name']").await;
    name.send_keys("Shopify failures").await.unwrap();
    b.button("Save current view").await.click().await.unwrap();
    b.wait_xpath("//ul[contains(@class,'sr-views-list')]//a[normalize-space()='Shopify failures']")
        .await;
    // The attribute as written (WebKit's driver answers with the resolved property).
    let href = b
        .js("return document.querySelector('.sr-views-list a').getAttribute('href')")
        .await
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "status=Failed",
        "q=shop",
        "in=system",
        "sort=common_ref",
        "dir=asc",
        "days=7",
    ] {
        assert!(href.contains(part), "{href} lacks {part}");
    }
    // Elsewhere, later: the view is still there and brings everything back.
    b.open("/").await;
    assert_ne!(b.count_text().await, narrowed);
    b.button("Saved views").await.click().await.unwrap();
    b.wait_xpath("//ul[contains(@class,'sr-views-list')]//a[normalize-space()='Shopify failures']")
        .await
        .click()
        .await
        .unwrap();
    b.until("the view applies", || async {
        b.url().await.contains("q=shop")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(b.count_text().await, narrowed);
    let search = b
        .find("input[aria-label='Search sync reports']")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(search.as_deref(), Some("shop"));
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    // The link works on its own, too.
    b.client.goto(&format!("{}{}", b.base, href)).await.unwrap();
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(b.count_text().await, narrowed);
    // Deleted, it is gone for good.
    b.button("Saved views").await.click().await.unwrap();
    b.button("Delete view Shopify failures")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath("//div[contains(@class,'sr-views')]//p[normalize-space()='No saved views yet.']")
        .await;
    b.open("/").await;
    b.button("Saved views").await.click().await.unwrap();
    b.wait_xpath("//div[contains(@class,'sr-views')]//p[normalize-space()='No saved views yet.']")
        .await;
}

pub(crate) async fn summary_strip_counts_filter_and_chart(t: Target) {
    let b = browser(t).await;
    b.open("/?days=5").await;
    if !has_summary(t) {
        return b.says_it_has_no_summary().await;
    }
    let total = number(&b.count_text().await);
    let strip = b.wait_css(".sr-strip-counts").await;
    // The status buttons (Stuck is a subset of Pending, not a status of its own).
    let buttons = strip
        .find_all(Locator::Css("button:not(.sr-count-btn--stuck)"))
        .await
        .unwrap();
    let mut sum = 0;
    let mut failed_count = 0;
    for btn in &buttons {
        let label = btn
            .find(Locator::Css(".sr-count-label"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let n = number(
            &btn.find(Locator::Css(".sr-count-num"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        sum += n;
        if label == "Failed" {
            failed_count = n;
        }
    }
    assert_eq!(
        sum, total,
        "the status counts add up to the entries in range"
    );
    // The chart says its numbers in words.
    let label = b
        .find(".sr-chart svg")
        .await
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap();
    assert!(
        label.starts_with(&format!(
            "Syncs per hour by status. {} syncs over",
            fmt_thousands(total)
        )),
        "{label}"
    );
    assert!(!b
        .client
        .find_all(Locator::Css(".sr-chart path"))
        .await
        .unwrap()
        .is_empty());
    // A click filters to that status; the chart follows, the counts stay.
    b.wait_xpath(
        "//div[contains(@class,'sr-strip-counts')]/button[.//span[normalize-space()='Failed']]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.until("the table shows failures only", || async {
        b.url().await.contains("status=Failed")
    })
    .await;
    b.wait_css(".sr-count-btn--failed[aria-pressed='true']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(number(&b.count_text().await), failed_count);
    b.until("the chart follows the filter", || async {
        b.find(".sr-chart svg")
            .await
            .attr("aria-label")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains(&format!(". {} syncs over", fmt_thousands(failed_count)))
    })
    .await;
    // Clicked again, the filter goes.
    b.find(".sr-count-btn--failed").await.click().await.unwrap();
    b.until("the filter is cleared", || async {
        !b.url().await.contains("status=")
    })
    .await;
}

both!(summary_strip_counts_filter_and_chart);

impl Browser {
    /// Waits until the table shows one failure group (`failure=` in the link) of `count`.
    pub(crate) async fn shows_group(&self, count: usize) {
        self.until("the table shows the group", || async {
            self.url().await.contains("failure=")
        })
        .await;
        self.wait_css("table[aria-busy='false']").await;
        self.until("the count is the group's", || async {
            number(&self.count_text().await) == count
        })
        .await;
    }
}

pub(crate) async fn failure_groups_filter_resync_and_export(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    if !has_summary(t) {
        return b.says_it_has_no_summary().await;
    }
    // Closed by default: one line with the number of groups and the largest.
    let line = b.wait_css(".sr-groups:not([open]) > summary").await;
    let text = b.texts(".sr-groups > summary").await.join("");
    assert!(
        text.starts_with("Failure groups (") && text.contains("largest:"),
        "{text}"
    );
    line.click().await.unwrap();
    b.wait_css(".sr-groups[open]").await;
    let first = b.wait_css(".sr-groups .sr-group").await;
    let n = number_in(&first, ".sr-group-count").await;
    assert!(n > 1, "the first group has several failures");
    // Show: the table holds the group, failures only.
    first
        .find(Locator::XPath(".//button[normalize-space()='Show']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.shows_group(n).await;
    let badges = b.texts("tbody tr.sr-row .sr-badge").await;
    assert!(badges.iter().all(|s| s == "Failed"), "{badges:?}");
    b.wait_css(".sr-group--current button[aria-pressed='true']")
        .await;
    // Resync all: the confirmation covers the whole group.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Resync all']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_css("dialog[open] .sr-dialog-actions").await;
    // Rendered text, lines and all (WebKit's driver runs a dialog's lines together).
    let text = b.texts("dialog[open]").await.join("\n");
    let will = text
        .lines()
        .find(|l| l.ends_with("will be resynced:"))
        .map(number)
        .unwrap_or(0);
    let cannot = text
        .lines()
        .find(|l| l.ends_with("cannot be resynced"))
        .map(number)
        .unwrap_or(0);
    assert_eq!(will + cannot, n, "{text}");
    b.button("Cancel").await.click().await.unwrap();
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // Download: the file holds the group.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Download']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(
        confirm.contains(&format!("The file will hold {} entries", fmt_thousands(n))),
        "{confirm}"
    );
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&bytes[3..])
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| &r[1] == "Failed"));
    // Show again clears the group filter.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Show']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until("the group filter is cleared", || async {
        !b.url().await.contains("failure=")
    })
    .await;
    // Opened, it stays open in this browser; closed, it stays closed.
    b.open("/?days=15").await;
    b.wait_css(".sr-groups[open] .sr-group").await;
    b.find(".sr-groups > summary").await.click().await.unwrap();
    b.wait_css(".sr-groups:not([open])").await;
    b.open("/?days=15").await;
    b.wait_css(".sr-groups:not([open]) > summary").await;
}

both!(failure_groups_filter_resync_and_export);

pub(crate) async fn retry_state_and_stuck_entries(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15&status=Pending&status=Failed").await;
    let retry = b.texts("tbody tr.sr-row .sr-retry").await;
    assert!(!retry.is_empty());
    assert!(retry.iter().all(|r| r.contains("Attempt ")), "{retry:?}");
    assert!(
        retry.iter().any(|r| r.contains("Pending for ")),
        "Pending rows say for how long: {retry:?}"
    );
    // Stuck: a count in the strip (a toggle without one when the backend has no summary), a
    // filter, a highlight.
    let stuck_btn = b.wait_css(".sr-count-btn--stuck").await;
    let n = if has_summary(t) {
        number_in(&stuck_btn, ".sr-count-num").await
    } else {
        b.says_it_has_no_summary().await;
        usize::MAX
    };
    assert!(n > 0);
    stuck_btn.click().await.unwrap();
    b.until("the stuck filter applies", || async {
        b.url().await.contains("stuck=1")
    })
    .await;
    b.wait_css(".sr-count-btn--stuck[aria-pressed='true']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    b.until("the table holds the stuck entries", || async {
        (n == usize::MAX || number(&b.count_text().await) == n)
            && b.client
                .find_all(Locator::Css("tbody tr.sr-row"))
                .await
                .unwrap()
                .len()
                == b.client
                    .find_all(Locator::Css("tbody tr.sr-row--stuck"))
                    .await
                    .unwrap()
                    .len()
    })
    .await;
    let tags = b.texts("tbody tr.sr-row .sr-stuck-tag").await;
    assert!(!tags.is_empty() && tags.iter().all(|t| t == "Stuck"));
    b.find(".sr-count-btn--stuck").await.click().await.unwrap();
    b.until("the stuck filter is cleared", || async {
        !b.url().await.contains("stuck=")
    })
    .await;
}

both!(retry_state_and_stuck_entries);

/// Each visible row's line (retry state, a failure's reason and its "Error details") lies
/// inside its own row, no two lines overlap, and each "Error details" is the element under its
/// own centre, so it can be clicked. WebKit once drew every Failed row's line at one place
/// near the top of the table (a positioned table row is no containing block there): this runs
/// in every engine, at the top of the table and after a scroll.
pub(crate) async fn row_lines_lie_inside_their_own_rows(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed&status=Pending&days=15").await;
    let check = r#"
        const wrap = document.querySelector('.sr-table-wrap');
        const w = wrap.getBoundingClientRect();
        // The header cells are sticky (the thead itself scrolls away).
        const top = Math.max(document.querySelector('.sr-table thead th').getBoundingClientRect().bottom, w.top, 0);
        const out = [];
        for (const tr of document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')) {
          const r = tr.getBoundingClientRect();
          if (r.top < top - 0.5 || r.bottom > Math.min(w.bottom, window.innerHeight) + 0.5) continue;
          const line = tr.querySelector('.sr-rowline');
          if (!line) continue;
          const l = line.getBoundingClientRect();
          const link = line.querySelector('.sr-link');
          let hit = null;
          if (link) {
            const k = link.getBoundingClientRect();
            const at = document.elementFromPoint(k.left + k.width / 2, k.top + k.height / 2);
            hit = at === link || link.contains(at);
          }
          out.push({ id: tr.dataset.id, row: [r.top, r.bottom, r.left, r.right],
                     line: [l.top, l.bottom, l.left, l.right], hit,
                     page: [window.innerHeight, window.scrollY, top, w.top, w.bottom] });
        }
        return out;"#;
    for step in ["the top of the table", "after scrolling"] {
        if step == "after scrolling" {
            b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = 2000;")
                .await;
            b.until("rows are drawn after the scroll", || async {
                b.js("return [...document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')].some(r => +r.getAttribute('aria-rowindex') > 30)")
                    .await
                    == json!(true)
            })
            .await;
        }
        let lines = b.js(check).await;
        let lines = lines.as_array().unwrap();
        assert!(
            lines.len() >= 4,
            "{step}: too few row lines to check: {lines:?}"
        );
        let f = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap();
        let mut spans = Vec::new();
        for l in lines {
            let (row, line) = (&l["row"], &l["line"]);
            assert!(
                f(line, 0) >= f(row, 0) - 0.5
                    && f(line, 1) <= f(row, 1) + 0.5
                    && f(line, 2) >= f(row, 2) - 0.5
                    && f(line, 3) <= f(row, 3) + 0.5,
                "{step}: the line of entry {} lies outside its row: {l}",
                l["id"]
            );
            assert!(
                f(line, 1) - f(line, 0) >= 10.0,
                "{step}: a line too small to read: {l}"
            );
            assert_ne!(
                l["hit"],
                json!(false),
                "{step}: Error details of entry {} is covered: {l}",
                l["id"]
            );
            spans.push((f(line, 0), f(line, 1)));
        }
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            assert!(
                w[0].1 <= w[1].0 + 0.5,
                "{step}: two row lines overlap: {w:?}"
            );
        }
        assert!(
            lines.iter().any(|l| l["hit"] == json!(true)),
            "{step}: no Error details checked"
        );
    }
}

both!(row_lines_lie_inside_their_own_rows);
