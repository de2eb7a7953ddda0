//! Finding entries: search as you type, sorting by a header, header filters (status, group,
//! entity, systems, date), the 15-day range and the additional filters.

use crate::harness::*;
use crate::pages::*;

pub(crate) async fn search_by_system_as_you_type(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let scope = b.find("select[aria-label='Search in']").await;
    scope.select_by_value("system").await.unwrap();
    let input = b.find("input[aria-label='Search sync reports']").await;
    input.send_keys("sftp").await.unwrap();
    b.until("the URL holds the search", || async {
        b.url().await.contains("q=sftp")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    let systems = b.texts("tbody tr.sr-row td:nth-child(5)").await;
    assert!(!systems.is_empty());
    assert!(systems.iter().all(|s| s.contains("SFTP")), "{systems:?}");
    assert!(b.url().await.contains("in=system"));
}

pub(crate) async fn sort_by_clicking_headers(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let th = "th.sr-col-reference";
    b.find(&format!("{th} .sr-sort-btn"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(&format!("{th}[aria-sort='ascending']")).await;
    b.wait_css("table[aria-busy='false']").await;
    let refs = b.texts("tbody tr.sr-row td:nth-child(7)").await;
    let mut sorted = refs.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(refs, sorted);
    b.find(&format!("{th} .sr-sort-btn"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(&format!("{th}[aria-sort='descending']")).await;
    let th_date = b.find("th.sr-col-createdutc").await;
    assert_eq!(
        th_date.attr("aria-sort").await.unwrap().as_deref(),
        Some("none")
    );
    assert!(b.url().await.contains("sort=common_ref&dir=desc"));
}

pub(crate) async fn header_filter_status_and_error_details(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let before = number(&b.count_text().await);
    b.button("Filter Status").await.click().await.unwrap();
    b.check_in_popover("Failed").await;
    b.until("the count narrows", || async {
        b.count_text().await.contains(" of ")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    let badges = b.texts("tbody tr.sr-row .sr-badge").await;
    assert!(
        !badges.is_empty() && badges.iter().all(|s| s == "Failed"),
        "{badges:?}"
    );
    assert!(number(&b.count_text().await) < before);
    assert!(b.url().await.contains("status=Failed"));
    // The menu stays open for picking several values; the button closes it.
    b.button("Filter Status").await.click().await.unwrap();
    b.until("the menu closes", || async {
        b.client.find(Locator::Css(".sr-popover")).await.is_err()
    })
    .await;
    // The failure message shows under the row, with a link to the details.
    let msg = b.texts("tr.sr-row--failed .sr-rowline .sr-msg").await;
    assert!(!msg.is_empty() && !msg[0].is_empty());
    b.button("Error details").await.click().await.unwrap();
    let dialog = b.wait_css("dialog.sr-dialog[open]").await;
    let text = dialog.text().await.unwrap();
    assert!(
        text.contains("Failure reason") && text.contains(&msg[0]),
        "{text}"
    );
    b.button("Close").await.click().await.unwrap();
    b.until("the dialog closes", || async {
        b.client
            .find(Locator::Css("dialog.sr-dialog[open]"))
            .await
            .is_err()
    })
    .await;
}

pub(crate) async fn range_is_capped_at_15_days(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let days = b.find("input[aria-label='Previous days']").await;
    days.clear().await.unwrap();
    // The Tab key itself ("\t" is typed as a character by geckodriver).
    days.send_keys(&format!("40{TAB}")).await.unwrap();
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    assert!(notice.contains("at most 15 days"), "{notice}");
    b.until("the input shows 15", || async {
        days.prop("value").await.unwrap().as_deref() == Some("15")
    })
    .await;
    assert!(b.url().await.contains("days=15"));
}

pub(crate) async fn additional_filters_add_columns_and_are_remembered(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    assert!(b
        .client
        .find(Locator::XPath("//th[normalize-space()='Source Id']"))
        .await
        .is_err());
    b.button("Additional filters").await.click().await.unwrap();
    b.check_in_popover("Show additional fields").await;
    b.wait_xpath("//th[normalize-space()='Source Id']").await;
    b.check_in_popover("Show additional sync data").await;
    b.wait_xpath("//th[normalize-space()='Latest Sync Information']")
        .await;
    // Remembered across reloads, even from a link without them.
    b.open("/").await;
    b.wait_xpath("//th[normalize-space()='Endpoint Parent Id']")
        .await;
    b.wait_xpath("//th[normalize-space()='Latest Sync Information']")
        .await;
}

pub(crate) async fn header_filters_for_group_entity_systems_and_date(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    // Company Group: pick the first value offered.
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    let first = b
        .wait_css(".sr-popover .sr-check-label .sr-facet-value")
        .await
        .text()
        .await
        .unwrap();
    b.check_in_popover(&first).await;
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    b.until("groups narrow", || async {
        let g = b.texts("tbody tr.sr-row td:nth-child(3)").await;
        !g.is_empty() && g.iter().all(|s| *s == first)
    })
    .await;
    // Service Entity.
    b.button("Filter Service Entity")
        .await
        .click()
        .await
        .unwrap();
    b.check_in_popover("Order").await;
    b.button("Filter Service Entity")
        .await
        .click()
        .await
        .unwrap();
    b.until("entities narrow", || async {
        let e = b.texts("tbody tr.sr-row td:nth-child(4)").await;
        e.iter().all(|s| s == "Order")
    })
    .await;
    // Systems: source and destination are separate lists in one menu, each value with how many
    // entries choosing it would give under the other filters.
    b.button("Filter Systems").await.click().await.unwrap();
    b.wait_xpath("//fieldset[legend='Source system']//label[span='Shopify']/input")
        .await
        .click()
        .await
        .unwrap();
    let netsuite = "//fieldset[legend='Destination system']//label[span='NetSuite']";
    if t == Target::Http && core_backend() {
        // A backend without the facets endpoint: the values alone, no counts.
        b.wait_xpath(netsuite).await;
        assert!(b.texts(".sr-popover .sr-facet-count").await.is_empty());
        b.wait_xpath(&format!("{netsuite}/input"))
            .await
            .click()
            .await
            .unwrap();
    } else {
        // The destination counts follow the source just chosen: they add up to the entries
        // shown.
        let destinations = ".sr-popover fieldset:nth-of-type(2) .sr-facet-count";
        b.until("the destination counts follow", || async {
            let sum: usize = b.texts(destinations).await.iter().map(|t| number(t)).sum();
            sum > 0 && sum == number(&b.count_text().await)
        })
        .await;
        let count = b
            .wait_xpath(&format!("{netsuite}/span[@class='sr-facet-count']"))
            .await
            .text()
            .await
            .unwrap();
        let count = number(&count);
        b.wait_xpath(&format!("{netsuite}/input"))
            .await
            .click()
            .await
            .unwrap();
        // Choosing NetSuite gives as many entries as its count said.
        b.until("the count the filter promised", || async {
            number(&b.count_text().await) == count
        })
        .await;
    }
    b.button("Filter Systems").await.click().await.unwrap();
    b.until("systems narrow", || async {
        let s = b.texts("tbody tr.sr-row td:nth-child(5)").await;
        s.iter().all(|s| s == "Shopify → NetSuite")
    })
    .await;
    let url = b.url().await;
    assert!(
        url.contains("entity=Order")
            && url.contains("source=Shopify")
            && url.contains("destination=NetSuite"),
        "{url}"
    );
    let filtered = b.find("button[aria-label='Filter Systems']").await;
    assert!(filtered
        .attr("class")
        .await
        .unwrap()
        .unwrap()
        .contains("sr-filter-btn--active"));
    // The date filter takes the user to the range control.
    b.button("Filter Date/Time (UTC)")
        .await
        .click()
        .await
        .unwrap();
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Previous days")
    );
    // Clear all filters brings everything back.
    b.button("Clear all filters").await.click().await.unwrap();
    b.until("filters are cleared", || async {
        !b.count_text().await.contains(" of ")
    })
    .await;
    assert!(!b.url().await.contains('?'));
}

both!(search_by_system_as_you_type);

both!(sort_by_clicking_headers);

both!(header_filter_status_and_error_details);

both!(range_is_capped_at_15_days);

both!(additional_filters_add_columns_and_are_remembered);

both!(header_filters_for_group_entity_systems_and_date);
