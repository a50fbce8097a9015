//! Design uploads: checked by content, limited, stripped of metadata; a rejected upload leaves
//! no row and no file.

use crate::backend_test;
use crate::helpers::{application, body, error_code, form, png_bytes, png_part, TestApp};
use reqwest::multipart::Part;
use serde_json::json;

fn part(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

/// A PNG whose header claims 20000×20000 pixels: the decoder must never be asked to
/// allocate for it.
fn png_bomb_header() -> Vec<u8> {
    let mut png = png_bytes(4, 4);
    // IHDR data starts at byte 16: width and height, then a CRC over type + data.
    png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG carrying an EXIF block with a GPS marker string.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(900, 300, image::Rgb([10, 120, 200]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS-SECRET-LOCATION";
    let len = (payload.len() + 2) as u16;
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&len.to_be_bytes());
    app1.extend_from_slice(payload);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!(app.count("applications"), 0);
    assert_eq!(app.count("attachments"), 0);
    assert_eq!(app.count("revisions"), 0);
    assert_eq!(app.stored_keys().await, Vec::<String>::new());
}

backend_test!(every_rejected_upload_leaves_no_row_and_no_file, |app| {
    let m = app.merchant("m").await;
    let cases: Vec<(Vec<Part>, u16, &str)> = vec![
        (
            vec![part(b"GIF89a not really".to_vec(), "a.png", "image/png")],
            415,
            "unsupported_image",
        ),
        (
            vec![
                png_part(800, 200),
                part(b"%PDF-1.7".to_vec(), "b.jpg", "image/jpeg"),
            ],
            415,
            "unsupported_image",
        ),
        (
            vec![part(
                png_bytes(300, 300)[..200].to_vec(),
                "cut.png",
                "image/png",
            )],
            415,
            "unsupported_image",
        ),
        (
            vec![part(png_bomb_header(), "bomb.png", "image/png")],
            413,
            "too_many_pixels",
        ),
        (
            vec![part(
                vec![0xFF; 10 * 1024 * 1024 + 1],
                "big.jpg",
                "image/jpeg",
            )],
            413,
            "file_too_large",
        ),
        (
            (0..9).map(|_| png_part(64, 16)).collect(),
            422,
            "too_many_files",
        ),
        (vec![], 422, "design_required"),
    ];
    for (designs, status, code) in cases {
        let (s, v) = body(app.submit(&m, form(&application(), designs), None).await).await;
        assert_eq!((s.as_u16(), error_code(&v).as_str()), (status, code), "{v}");
        assert_nothing_stored(&app).await;
    }
    // A valid image with an invalid form is refused before anything is written too.
    let mut bad = application();
    bad["license_no"] = json!("91350100M000100Y44");
    let (s, v) = body(
        app.submit(&m, form(&bad, vec![png_part(800, 200)]), None)
            .await,
    )
    .await;
    assert_eq!(
        (s.as_u16(), error_code(&v).as_str()),
        (422, "invalid_application")
    );
    assert_eq!(v["error"]["details"][0]["field"], "license_no");
    assert_nothing_stored(&app).await;
});

backend_test!(stored_images_are_content_addressed_and_stripped, |app| {
    let m = app.merchant("m").await;
    let jpeg = jpeg_with_exif();
    let id = app
        .submit_ok_with(
            &m,
            vec![
                part(jpeg.clone(), "photo.jpg", "image/jpeg"),
                part(jpeg.clone(), "same.jpg", "image/jpeg"),
            ],
        )
        .await;
    let files = app.stored_keys().await;
    // One original, one display copy, one thumbnail: the second identical upload shares them.
    assert_eq!(files.len(), 3, "{files:?}");
    let sha = signboard::storage::FileStore::sha256_hex(&jpeg);
    assert!(
        files.contains(&format!("{}/{sha}.jpg", &sha[..2])),
        "{files:?}"
    );
    let original = app
        .state
        .store
        .get(&sha, signboard::storage::Variant::Original, "jpg")
        .await
        .unwrap();
    assert_eq!(original, jpeg, "the original is kept as uploaded");

    let d = app.detail(&m, &id).await;
    let atts = d["revisions"][0]["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2);
    assert_eq!(atts[0]["original_name"], "photo.jpg");
    let served = app
        .get(atts[0]["url"].as_str().unwrap(), Some(&m))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        !contains(&served, b"GPS-SECRET-LOCATION"),
        "metadata must be stripped"
    );
    assert!(!contains(&served, b"Exif"));
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (900, 300));
});

backend_test!(an_oversized_body_is_refused_by_its_declared_length, |app| {
    let m = app.merchant("m").await;
    let resp = app
        .client
        .post(app.url("/api/v1/applications"))
        .bearer_auth(&m)
        .header("content-type", "multipart/form-data; boundary=x")
        .header("content-length", (200u64 * 1024 * 1024).to_string())
        .body(vec![0u8; 1024])
        .send()
        .await;
    // The server may answer before reading the body, or close the connection.
    if let Ok(resp) = resp {
        let (s, v) = body(resp).await;
        assert_eq!(
            (s.as_u16(), error_code(&v).as_str()),
            (413, "body_too_large")
        );
    }
    assert_nothing_stored(&app).await;
});

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

impl TestApp {
    pub async fn submit_ok_with(&self, token: &str, designs: Vec<Part>) -> String {
        let (status, v) = body(
            self.submit(token, form(&application(), designs), None)
                .await,
        )
        .await;
        assert_eq!(status, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }
}

/// A JPEG with an HTML payload in a non-JFIF APP0, a non-ICC APP2 and an APP14 that is not
/// Adobe's fixed block, plus one in the thumbnail of its JFIF APP0.
fn jpeg_with_html() -> (Vec<u8>, &'static [u8]) {
    const HTML: &[u8] = b"<html><body><script>alert('sign')</script></body></html>";
    let img = image::RgbImage::from_pixel(900, 300, image::Rgb([200, 40, 40]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let segment = |marker: u8, prefix: &[u8]| {
        let payload = [prefix, HTML].concat();
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(&payload);
        s
    };
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\x13\x01"));
    out.extend(segment(0xE0, b"JFXX\0\x10"));
    out.extend(segment(0xE2, b"FPXR\0"));
    out.extend(segment(0xE2, b"MPF\0"));
    out.extend(segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01"));
    out.extend(segment(0xEE, b"NotAdobe"));
    out.extend_from_slice(&jpeg[2..]);
    (out, HTML)
}

backend_test!(html_hidden_in_jpeg_segments_is_never_served, |app| {
    let m = app.merchant("m").await;
    let (jpeg, html) = jpeg_with_html();
    let id = app
        .submit_ok_with(&m, vec![part(jpeg, "sign.jpg", "image/jpeg")])
        .await;
    let d = app.detail(&m, &id).await;
    let att = &d["revisions"][0]["attachments"][0];
    for url in [&att["url"], &att["thumb_url"]] {
        let resp = app.get(url.as_str().unwrap(), Some(&m)).await;
        assert_eq!(resp.status(), 200);
        let served = resp.bytes().await.unwrap();
        assert!(
            !contains(&served, html),
            "{url}: the payload is served back"
        );
        assert!(!contains(&served, b"<script"), "{url}");
        let img = image::load_from_memory(&served).unwrap();
        assert_eq!(img.width() * 300, img.height() * 900);
    }
});

backend_test!(attachments_are_served_inline_under_a_safe_name, |app| {
    let m = app.merchant("m").await;
    let png = png_bytes(800, 200);
    let id = app
        .submit_ok_with(
            &m,
            vec![
                part(png.clone(), "front \"x\".png", "image/png"),
                part(png.clone(), "..\\..\\牌匾\tX: 1.webp", "image/png"),
            ],
        )
        .await;
    let d = app.detail(&m, &id).await;
    let atts = d["revisions"][0]["attachments"].as_array().unwrap();
    let (app, m) = (&app, &m);
    let disposition = |i: usize| {
        let url = atts[i]["url"].as_str().unwrap().to_owned();
        async move {
            let resp = app.get(&url, Some(m)).await;
            assert_eq!(resp.status(), 200);
            resp.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(disposition(0).await, "inline; filename=\"front x.png\"");
    assert_eq!(
        disposition(1).await,
        "inline; filename=\"__X: 1.png\"; filename*=UTF-8''%E7%89%8C%E5%8C%BEX%3A%201.png"
    );
});
