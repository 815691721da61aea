//! The technique catalogue, the facilities' techniques with their status, the coverage of
//! a level's catalogue (seed 001) and the regional specialty networks routing prefers.

use serde_json::json;
use shared::referral::Destination;
use shared::registry::{Capability, CapabilityKind, Facility, TechnicalLevel};
use shared::technique::{
    NetworkInput, NetworkMemberInput, NetworkRole, SpecialtyNetwork, Technique, TechniqueInput,
    TechniqueStatus,
};
use testkit::Client;

use crate::support::TestApp;

const AN_PHU: &str = "74-TYT-ANPHU";
const BINH_HOA: &str = "74-TYT-BINHHOA";
const CENTRE: &str = "74-TTYTTA";
const PROVINCIAL: &str = "74-BVDKBD";
const CHILDREN: &str = "79-BVNHI1";

fn technique(code: &str, name: &str, specialty: &str, level: TechnicalLevel) -> TechniqueInput {
    TechniqueInput {
        code: code.into(),
        name: name.into(),
        specialty: specialty.into(),
        level,
        active: true,
    }
}

async fn destinations(client: &Client, query: &str) -> Vec<Destination> {
    client
        .get::<Vec<Destination>>(&format!("/api/v1/referral-destinations?{query}"))
        .await
        .ok()
}

async fn facility(client: &Client, code: &str) -> Facility {
    let id = client.facility_id(code).await;
    client.facilities().get(id).await.ok()
}

#[actix_web::test]
async fn the_department_of_health_keeps_the_catalogue_and_others_only_read_it() {
    let app = TestApp::spawn().await;
    let soyte = app.user("soyte").await;
    let input = technique(
        "dat_vong_tranh_thai",
        "Đặt dụng cụ tử cung tránh thai",
        "san_phu_khoa",
        TechnicalLevel::Initial,
    );
    let (first, again) = soyte
        .techniques()
        .create_retried(&input, "dat-vong-1")
        .await;
    assert_eq!(first.id, again.id, "a retried create makes one technique");
    assert_eq!(first.level, TechnicalLevel::Initial);

    // The same code again is a conflict; bad fields are named.
    soyte
        .techniques()
        .create(&input)
        .await
        .assert_problem(409, "conflict");
    let bad = soyte
        .techniques()
        .create(&TechniqueInput {
            code: "Đặt vòng".into(),
            specialty: "khong_co".into(),
            ..input.clone()
        })
        .await
        .assert_problem(422, "validation_failed");
    assert!(bad["errors"]["code"].is_array(), "{bad}");
    assert!(bad["errors"]["specialty"].is_array(), "{bad}");

    for reader in ["kehoach", "tram.anphu", "bacsi"] {
        let user = app.user(reader).await;
        let listed = user
            .techniques()
            .list("level=initial&q=tu cung")
            .await
            .ok()
            .items;
        assert_eq!(
            listed.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(),
            vec!["dat_vong_tranh_thai"],
            "{reader} finds it without accents"
        );
        user.techniques()
            .create(&technique(
                "khong_duoc",
                "Không được",
                "noi_khoa",
                TechnicalLevel::Basic,
            ))
            .await
            .assert_problem(403, "forbidden");
    }

    // A stale update is refused; a rename reaches the facilities that perform it.
    let created = soyte.techniques().get(first.id).await;
    let etag = created.etag().map(str::to_string);
    let admin = app.user("admin").await;
    let an_phu = facility(&admin, AN_PHU).await;
    let mut body = an_phu.to_input();
    body.capabilities.push(Capability::declared(
        CapabilityKind::Technique,
        "dat_vong_tranh_thai",
        "Đặt vòng",
    ));
    admin
        .facilities()
        .update(an_phu.id, &body, Some(&format!("\"{}\"", an_phu.version)))
        .await
        .ok();
    let renamed = TechniqueInput {
        name: "Đặt dụng cụ tử cung".into(),
        ..input.clone()
    };
    soyte
        .techniques()
        .update(first.id, &renamed, etag.as_deref())
        .await
        .ok();
    soyte
        .techniques()
        .update(first.id, &renamed, etag.as_deref())
        .await
        .assert_problem(412, "precondition_failed");
    let an_phu = facility(&admin, AN_PHU).await;
    assert!(
        an_phu
            .capabilities
            .iter()
            .any(|c| c.code == "dat_vong_tranh_thai" && c.name == "Đặt dụng cụ tử cung"),
        "{:?}",
        an_phu.capabilities
    );
    let audit = admin.audit_events_csv("entity=technique").await;
    assert_eq!(audit.code(), 200);
    let text = String::from_utf8_lossy(audit.bytes()).to_string();
    assert!(text.contains("create") && text.contains("update"), "{text}");
}

#[actix_web::test]
async fn the_demo_stations_cover_their_level_catalogue_unevenly() {
    let app = TestApp::spawn().await;
    let head = app.user("tram.anphu").await;
    let coverage = head.technique_coverage("kind=health_station").await.ok();
    let by_code = |code: &str| {
        coverage
            .iter()
            .find(|c| c.facility.code == code)
            .unwrap_or_else(|| panic!("{code} has a coverage"))
            .clone()
    };
    assert_eq!(coverage.len(), 5);
    let an_phu = by_code(AN_PHU);
    assert_eq!((an_phu.catalogue, an_phu.performing), (10, 9));
    assert!(an_phu.reaches_threshold);
    assert_eq!(an_phu.missing, vec!["cham_cuu"]);
    // Bình Hòa is still being trained in ECG: it does not count yet.
    let binh_hoa = by_code(BINH_HOA);
    assert_eq!((binh_hoa.performing, binh_hoa.percent), (6, 60));
    assert!(binh_hoa.missing.contains(&"dien_tim_thuong".to_string()));
    let reaching = coverage.iter().filter(|c| c.reaches_threshold).count();
    assert_eq!(reaching, 2, "An Phú and Lái Thiêu: 40 % of the stations");

    // The transfer is signed off: Bình Hòa now performs ECG, and 7 of 10.
    let admin = app.user("admin").await;
    let binh_hoa = facility(&admin, BINH_HOA).await;
    let mut body = binh_hoa.to_input();
    for capability in body.capabilities.iter_mut() {
        if capability.code == "dien_tim_thuong" {
            capability.status = TechniqueStatus::Performing;
        }
    }
    admin
        .facilities()
        .update(
            binh_hoa.id,
            &body,
            Some(&format!("\"{}\"", binh_hoa.version)),
        )
        .await
        .ok();
    let one = head
        .technique_coverage(&format!("facility_id={}", binh_hoa.id))
        .await
        .ok();
    assert_eq!((one[0].performing, one[0].percent), (7, 70));
}

#[actix_web::test]
async fn routing_counts_only_performed_techniques_and_prefers_the_network() {
    let app = TestApp::spawn().await;
    let station = app.user("tram.anphu").await;

    // Stroke: the provincial hospital is the network's member for it.
    let stroke = destinations(&station, "technique=tieu_soi_huyet_dot_quy").await;
    assert_eq!(stroke[0].facility.code, PROVINCIAL, "{stroke:#?}");
    let place = stroke[0].network.clone().expect("a network member");
    assert_eq!(place.role, NetworkRole::Provincial);
    assert!(
        stroke[0].reasons[0].starts_with("Thuộc Mạng lưới Đột quỵ"),
        "{:?}",
        stroke[0].reasons
    );

    // The centre starts thrombolysis: performing it now, it is suggested, but the
    // network's member still leads until the network takes the centre in.
    let admin = app.user("admin").await;
    let centre = facility(&admin, CENTRE).await;
    let mut body = centre.to_input();
    body.capabilities.push(Capability {
        status: TechniqueStatus::InTransfer,
        ..Capability::declared(
            CapabilityKind::Technique,
            "tieu_soi_huyet_dot_quy",
            "Tiêu sợi huyết",
        )
    });
    let centre = admin
        .facilities()
        .update(centre.id, &body, Some(&format!("\"{}\"", centre.version)))
        .await
        .ok();
    let codes = |ranked: &[Destination]| {
        ranked
            .iter()
            .map(|d| d.facility.code.clone())
            .collect::<Vec<_>>()
    };
    let in_training = destinations(&station, "technique=tieu_soi_huyet_dot_quy").await;
    assert_eq!(
        codes(&in_training),
        vec![PROVINCIAL],
        "in transfer: not yet"
    );

    let mut body = centre.to_input();
    for capability in body.capabilities.iter_mut() {
        if capability.code == "tieu_soi_huyet_dot_quy" {
            capability.status = TechniqueStatus::Performing;
        }
    }
    admin
        .facilities()
        .update(centre.id, &body, Some(&format!("\"{}\"", centre.version)))
        .await
        .ok();
    let signed_off = destinations(&station, "technique=tieu_soi_huyet_dot_quy").await;
    assert_eq!(codes(&signed_off), vec![PROVINCIAL, CENTRE]);

    // The Department of Health takes the centre into the stroke network: the nearest
    // capable member now leads.
    let soyte = app.user("soyte").await;
    let networks = soyte.networks("specialty=dot_quy").await;
    let network: SpecialtyNetwork = networks[0].clone();
    let mut input = network.to_input();
    input.members.push(NetworkMemberInput {
        facility_id: centre.id,
        role: NetworkRole::Centre,
    });
    let read = soyte.specialty_networks().get(network.id).await;
    let etag = read.etag().map(str::to_string);
    let updated = soyte
        .specialty_networks()
        .update(network.id, &input, etag.as_deref())
        .await
        .ok();
    assert_eq!(updated.members.len(), 2);
    assert_eq!(updated.members[0].role, NetworkRole::Provincial);
    let nearest = destinations(&station, "technique=tieu_soi_huyet_dot_quy").await;
    assert_eq!(codes(&nearest), vec![CENTRE, PROVINCIAL]);
    assert!(nearest[0].reasons[0].contains("Trung tâm Y tế khu vực"));
}

#[actix_web::test]
async fn networks_name_real_facilities_once_and_only_the_province_sets_them() {
    let app = TestApp::spawn().await;
    let soyte = app.user("soyte").await;
    let children = soyte.facility_id(CHILDREN).await;
    let input = NetworkInput {
        name: "Mạng lưới Tiết niệu".into(),
        specialty: "tiet_nieu".into(),
        basis: Some("Quyết định thử nghiệm".into()),
        members: vec![NetworkMemberInput {
            facility_id: children,
            role: NetworkRole::EndLine,
        }],
    };
    let (first, again) = soyte
        .specialty_networks()
        .create_retried(&input, "tiet-nieu-1")
        .await;
    assert_eq!(first.id, again.id);
    let unknown = soyte
        .specialty_networks()
        .create(&NetworkInput {
            members: vec![NetworkMemberInput {
                facility_id: 999_999,
                role: NetworkRole::Centre,
            }],
            ..input.clone()
        })
        .await
        .assert_problem(422, "invalid_reference");
    assert!(
        unknown["errors"]["members[0].facility_id"].is_array(),
        "{unknown}"
    );
    let twice = soyte
        .post::<serde_json::Value>(
            "/api/v1/specialty-networks",
            &json!({
                "name": "Hai lần", "specialty": "tiet_nieu",
                "members": [
                    {"facility_id": children, "role": "end_line"},
                    {"facility_id": children, "role": "centre"}
                ]
            }),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert!(twice["errors"]["members"].is_array(), "{twice}");
    let planner = app.user("kehoach").await;
    planner
        .specialty_networks()
        .create(&input)
        .await
        .assert_problem(403, "forbidden");
    let listed = planner.networks(&format!("facility_id={children}")).await;
    assert!(listed.iter().any(|n| n.id == first.id));
    let demo: Vec<SpecialtyNetwork> = planner.networks("").await;
    assert_eq!(demo.len(), 6, "five demo networks and the new one");
    let _: Technique = planner.techniques().get(1).await.ok();
}

#[actix_web::test]
async fn the_network_plan_computes_the_catalogue_indicators_from_the_stations_techniques() {
    let app = TestApp::spawn().await;
    let department = app.user("soyte").await;
    let plans = department
        .plans()
        .list("q=KH-YTCS-2021-2030")
        .await
        .ok()
        .items;
    let plan = plans
        .iter()
        .find(|p| p.code == "KH-YTCS-2021-2030")
        .expect("the demo network plan");
    let board = department.plans().board(plan.id, "P2").await.ok();
    let row = |code: &str, station: Option<&str>| {
        board
            .rows
            .iter()
            .find(|r| {
                r.indicator_code == code && r.facility.as_ref().map(|f| f.code.as_str()) == station
            })
            .unwrap_or_else(|| panic!("{code} {station:?}"))
            .actual
    };
    // An Phú 9 of 10, Bình Hòa 6 (ECG still in transfer), Lái Thiêu 8, Thuận Giao 5,
    // Thuận An 7 (deliveries suspended): two of five stations reach 80 %.
    assert_eq!(row("YT06", Some(AN_PHU)), Some(90.0));
    assert_eq!(row("YT06", Some(BINH_HOA)), Some(60.0));
    assert_eq!(row("YT07", None), Some(40.0));
}

#[actix_web::test]
async fn the_catalogue_is_imported_from_a_sheet_by_code_and_exports_back_unchanged() {
    use shared::registry::import::{ImportKind, RowStatus};
    use testkit::CSV;

    let app = TestApp::spawn().await;
    let soyte = app.user("soyte").await;
    let template = soyte
        .imports()
        .template(ImportKind::Techniques, "csv")
        .await;
    assert_eq!(template.code(), 200, "{}", template.text);
    let header = template
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        header.starts_with("Mã kỹ thuật,Tên kỹ thuật,Chuyên khoa"),
        "{header}"
    );
    // A new technique (specialty by its Vietnamese name), a renamed one, an unchanged
    // one, and a row with an unknown specialty.
    let file = format!(
        "{header}\n\
         dat_vong_tranh_thai,Đặt dụng cụ tử cung,Sản phụ khoa,Cấp khám bệnh, chữa bệnh ban đầu,Có\n\
         cham_cuu,Châm cứu,y_hoc_co_truyen,initial,Có\n\
         khau_vet_thuong_phan_mem,Khâu vết thương phần mềm,ngoai_khoa,initial,Có\n"
    )
    .replace(
        "Cấp khám bệnh, chữa bệnh ban đầu",
        "\"Cấp khám bệnh, chữa bệnh ban đầu\"",
    );
    let bad = format!("{file}ky_thuat_la,Kỹ thuật lạ,Chuyên khoa lạ,initial,Có\n");
    let report = soyte
        .imports()
        .preview(ImportKind::Techniques, CSV, bad.as_bytes())
        .await
        .ok();
    let statuses: Vec<RowStatus> = report.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![
            RowStatus::New,
            RowStatus::Changed,
            RowStatus::Unchanged,
            RowStatus::Error
        ]
    );
    assert_eq!(report.rows[3].errors[0].column, "specialty");

    let planner = app.user("kehoach").await;
    planner
        .imports()
        .preview(ImportKind::Techniques, CSV, file.as_bytes())
        .await
        .assert_problem(403, "forbidden");

    let preview = soyte
        .imports()
        .preview(ImportKind::Techniques, CSV, file.as_bytes())
        .await
        .ok();
    let committed = soyte
        .imports()
        .commit(
            ImportKind::Techniques,
            CSV,
            file.as_bytes(),
            Some(&preview.sha256),
            Some("tech-1"),
        )
        .await
        .ok();
    assert!(committed.committed);
    let listed = soyte.techniques().list("q=tu cung").await.ok().items;
    assert_eq!(listed[0].code, "dat_vong_tranh_thai");
    assert_eq!(listed[0].specialty, "san_phu_khoa");
    // Lái Thiêu performs acupuncture: the new name reaches it.
    let lai_thieu = facility(&soyte, "74-TYT-LAITHIEU").await;
    assert!(
        lai_thieu
            .capabilities
            .iter()
            .any(|c| c.code == "cham_cuu" && c.name == "Châm cứu")
    );
    // The export imports back with nothing to change.
    let export = soyte.imports().export(ImportKind::Techniques, "csv").await;
    let again = soyte
        .imports()
        .preview(ImportKind::Techniques, CSV, export.bytes())
        .await
        .ok();
    assert!(
        again.rows.iter().all(|r| r.status == RowStatus::Unchanged),
        "{:?}",
        again.rows
    );
}
